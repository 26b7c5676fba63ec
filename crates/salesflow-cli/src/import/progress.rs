//! Progress on stderr, with an ETA from the recent rate: a bar on a terminal, a plain line
//! every 2 s (or every 10 %) otherwise.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How far back the rate is measured: 20 s.
pub const RATE_WINDOW: Duration = Duration::from_secs(20);

/// The rate of completions over the last [`RATE_WINDOW`], from samples taken at most
/// every 250 ms (so at most about 80 are kept, whatever the number of rows).
#[derive(Debug)]
pub struct RecentRate {
    window: Duration,
    samples: VecDeque<(Instant, u64)>,
    /// When the newest sample was started (it is updated in place for 250 ms).
    newest_started: Instant,
}

impl RecentRate {
    /// A rate over `window`, starting at `now` with nothing done.
    pub fn new(window: Duration, now: Instant) -> Self {
        let mut samples = VecDeque::new();
        samples.push_back((now, 0));
        RecentRate {
            window,
            samples,
            newest_started: now,
        }
    }

    /// Records that `done` rows are complete at `now`.
    pub fn record(&mut self, now: Instant, done: u64) {
        let recent =
            now.saturating_duration_since(self.newest_started) < Duration::from_millis(250);
        let several = self.samples.len() > 1;
        match self.samples.back_mut() {
            Some(last) if recent && several => *last = (now, done),
            _ => {
                self.samples.push_back((now, done));
                self.newest_started = now;
            }
        }
        // Keep one sample at or before the window's start, so that the window is full.
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|s| now.saturating_duration_since(s.0) >= self.window)
        {
            self.samples.pop_front();
        }
    }

    /// Rows per second over the window (`None` before any time has passed).
    pub fn per_second(&self) -> Option<f64> {
        let (t0, d0) = *self.samples.front()?;
        let (t1, d1) = *self.samples.back()?;
        let secs = t1.saturating_duration_since(t0).as_secs_f64();
        (secs > 0.0).then(|| d1.saturating_sub(d0) as f64 / secs)
    }

    /// The time left for `left` rows at the recent rate.
    pub fn eta(&self, left: u64) -> Option<Duration> {
        let rate = self.per_second().filter(|r| *r > 0.0)?;
        Duration::try_from_secs_f64(left as f64 / rate).ok()
    }
}

/// `1h02m`, `3m05s`, `42s`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// The progress display of an import.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    rate: RecentRate,
    last_line: Instant,
    last_decile: u64,
    quiet: bool,
}

impl Progress {
    /// A display for `total` rows to send (none with `--quiet`: only [`Progress::println`]
    /// prints then).
    pub fn new(total: u64) -> Self {
        let quiet = crate::output::quiet();
        let bar = (std::io::stderr().is_terminal() && !quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} rows  {msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            total,
            done: 0,
            rate: RecentRate::new(RATE_WINDOW, now),
            last_line: now,
            last_decile: 0,
            quiet,
        }
    }

    /// Prints a line above the bar.
    pub fn println(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn rate_text(&self) -> (String, String) {
        let left = self.total.saturating_sub(self.done);
        let rate = self
            .rate
            .per_second()
            .map_or_else(|| "?".to_owned(), |r| format!("{r:.1}"));
        let eta = self.rate.eta(left).map_or_else(|| "?".to_owned(), human);
        (rate, eta)
    }

    /// One more row completed.
    pub fn inc(&mut self) {
        self.done += 1;
        let now = Instant::now();
        self.rate.record(now, self.done);
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if self.done.is_multiple_of(16) || self.done == self.total {
                let (rate, eta) = self.rate_text();
                bar.set_message(format!("{rate} rows/s  ETA {eta}"));
            }
            return;
        }
        if self.quiet {
            return;
        }
        let decile = (self.done * 10).checked_div(self.total).unwrap_or(10);
        if decile > self.last_decile || now.duration_since(self.last_line) >= Duration::from_secs(2)
        {
            self.last_decile = decile;
            self.last_line = now;
            let (rate, eta) = self.rate_text();
            eprintln!(
                "progress: {}/{} rows ({}%), {rate} rows/s, ETA {eta}",
                self.done,
                self.total,
                (self.done * 100).checked_div(self.total).unwrap_or(100)
            );
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eta_follows_the_recent_rate() {
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let mut r = RecentRate::new(Duration::from_secs(20), t0);
        assert_eq!(r.per_second(), None);
        // 100 rows/s for a minute...
        for s in 1..=60 {
            r.record(at(s), s * 100);
        }
        assert!((r.per_second().unwrap() - 100.0).abs() < 1e-9);
        assert_eq!(r.eta(1000), Some(Duration::from_secs(10)));
        // ...then 10 rows/s: after one window the ETA is the new rate's, not the average's.
        for s in 61..=90 {
            r.record(at(s), 6000 + (s - 60) * 10);
        }
        assert!(
            (r.per_second().unwrap() - 10.0).abs() < 1e-9,
            "{:?}",
            r.per_second()
        );
        assert_eq!(r.eta(1000), Some(Duration::from_secs(100)));
        // Samples stay few whatever the number of completions.
        for i in 0..100_000u64 {
            r.record(at(90) + Duration::from_micros(i), 7000 + i);
        }
        assert!(r.samples.len() < 100);
        assert_eq!(human(Duration::from_secs(3725)), "1h02m");
        assert_eq!(human(Duration::from_secs(185)), "3m05s");
    }
}
