//! Reading the CSV files people have, strictly and in constant memory: the encoding (UTF-8
//! with or without BOM, UTF-16 with BOM, Latin-1 / Windows-1252 on request), the delimiter
//! (comma, semicolon or tab, detected from the header), and records with their exact
//! bytes, physical line number and fields.
//!
//! Why not the `csv` crate's reader: it reads `"a"b` as `ab`, takes a quote that is never
//! closed at the end of the file as closed, counts lines wrongly after CRLF and blank lines,
//! and gives no record's original bytes. Each of those would lose or change data without a
//! word, so records are split here, by the RFC 4180 rules, refusing instead of guessing:
//!
//! - a record ends at LF, CRLF or CR outside quotes; blank lines are skipped (and counted
//!   as lines);
//! - a field that starts with `"` is quoted: `""` inside is one `"`, it may span lines, and
//!   its closing quote must be followed by the delimiter or the end of the record;
//! - a `"` inside an unquoted field is an ordinary character (it cannot open a quote, so it
//!   cannot swallow rows);
//! - a NUL byte is refused (most likely UTF-16 without a byte order mark);
//! - a record longer than [`MAX_RECORD_BYTES`] is refused (most likely a quote never
//!   closed), so that a broken file cannot make the reader hold all of it.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

use encoding_rs::{Decoder, DecoderResult, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The longest record accepted, in bytes (UTF-8 bytes for UTF-16 input): 4 MiB.
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// How the bytes of the file are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a byte order mark, if any, is dropped on reading and kept on writing).
    Utf8,
    /// Latin-1 as Windows-1252 (what Excel on Windows writes), every byte a character.
    Latin1,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
}

impl Encoding {
    /// Its name in messages and the report.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Latin1 => "Windows-1252 (Latin-1)",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// Whether records are read from a transcoded UTF-8 stream.
    fn is_utf16(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }
}

/// The encoding of a file: the one forced, else from its byte order mark (as
/// [`encoding_rs::Encoding::for_bom`] finds it), else UTF-8; and whether it starts with a
/// byte order mark (and how long it is).
pub fn detect_encoding(head: &[u8], forced: Option<Encoding>) -> (Encoding, usize) {
    let bom = encoding_rs::Encoding::for_bom(head).map(|(found, len)| {
        // `for_bom` finds UTF-8, UTF-16LE or UTF-16BE.
        let ours = if found == UTF_16LE {
            Encoding::Utf16Le
        } else if found == UTF_16BE {
            Encoding::Utf16Be
        } else {
            Encoding::Utf8
        };
        (ours, len)
    });
    match (forced, bom) {
        // A BOM that agrees with the encoding forced is dropped; `--encoding latin1` on a
        // file with a UTF-8 BOM reads the BOM as three Latin-1 characters, as asked.
        (Some(f), Some((b, len))) if f == b => (f, len),
        (Some(f), _) => (f, 0),
        (None, Some((b, len))) => (b, len),
        (None, None) => (Encoding::Utf8, 0),
    }
}

/// A file that cannot be read as CSV: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// The physical line (1-based).
    pub line: u64,
    /// The column (1-based, in characters), where it helps.
    pub column: Option<u64>,
    /// What is wrong, and what to do.
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for CsvError {}

/// One record: its bytes as in the file (for UTF-16 input, as UTF-8), where it starts,
/// and its fields.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The physical line it starts on (1-based).
    pub line: u64,
    /// Its bytes, without the line terminator.
    pub raw: Vec<u8>,
    /// Its line terminator (`\r\n`, `\n`, `\r`; empty at the end of the file).
    pub terminator: &'static [u8],
    /// Each field's span in `raw`, quotes included.
    spans: Vec<(usize, usize)>,
    /// The fields' contents (quotes removed, `""` unescaped), one after the other.
    values: Vec<u8>,
    /// Where each field's content ends in `values`.
    ends: Vec<usize>,
}

impl Record {
    /// How many fields it has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether it has no field (never true of a record returned by the reader).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`'s content (bytes in the file's encoding).
    pub fn value(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.values.get(start..end)
    }

    /// Field `i` as written in the file, quotes included.
    pub fn raw_field(&self, i: usize) -> Option<&[u8]> {
        let (s, e) = *self.spans.get(i)?;
        self.raw.get(s..e)
    }

    /// Whether every field is empty or only spaces and tabs.
    pub fn is_blank(&self) -> bool {
        self.values.iter().all(|b| *b == b' ' || *b == b'\t')
    }

    fn clear(&mut self) {
        self.raw.clear();
        self.spans.clear();
        self.values.clear();
        self.ends.clear();
        self.terminator = b"";
    }
}

/// Reads UTF-16 as UTF-8, refusing what is not UTF-16 (an unpaired surrogate, an odd
/// number of bytes).
struct Utf16Reader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    done: bool,
    malformed: bool,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, encoding: Encoding) -> Self {
        let enc = if encoding == Encoding::Utf16Be {
            UTF_16BE
        } else {
            UTF_16LE
        };
        Utf16Reader {
            inner,
            decoder: enc.new_decoder_without_bom_handling(),
            input: vec![0; 32 * 1024],
            start: 0,
            end: 0,
            eof: false,
            output: vec![0; 64 * 1024],
            out_start: 0,
            out_end: 0,
            done: false,
            malformed: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.malformed {
                // After what was decoded before the bad bytes has been read.
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "not valid UTF-16 (an unpaired surrogate, or an odd number of bytes)",
                ));
            }
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                // Read before resetting `start`: after a read that fails (and is retried
                // when interrupted), `start == end` still says the chunk was all decoded.
                let n = self.inner.read(&mut self.input)?;
                self.start = 0;
                self.end = n;
                if self.end == 0 {
                    self.eof = true;
                }
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.start..self.end],
                &mut self.output,
                self.eof,
            );
            self.start += read;
            self.out_start = 0;
            self.out_end = written;
            if let DecoderResult::Malformed(_, _) = result {
                self.malformed = true;
            }
            if self.eof && self.start == self.end && result == DecoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

/// Splits a stream into [`Record`]s (see the [module documentation](self)).
pub struct RecordReader {
    input: Box<dyn Read + Send>,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    delimiter: u8,
    /// The physical line the next byte is on.
    line: u64,
    /// Where the current physical line starts in the current record's `raw`.
    line_start: usize,
    /// Whether a column counts bytes (single-byte encoding) or UTF-8 characters.
    single_byte: bool,
}

impl RecordReader {
    /// A reader of `input`, whose first bytes `head` (already read, the byte order mark
    /// left out) come first, in `encoding`, fields separated by `delimiter`.
    pub fn new(
        head: Vec<u8>,
        input: Box<dyn Read + Send>,
        encoding: Encoding,
        delimiter: u8,
    ) -> RecordReader {
        let chained: Box<dyn Read + Send> = Box::new(io::Cursor::new(head).chain(input));
        let input: Box<dyn Read + Send> = if encoding.is_utf16() {
            Box::new(Utf16Reader::new(chained, encoding))
        } else {
            chained
        };
        RecordReader {
            input,
            buf: vec![0; 64 * 1024],
            pos: 0,
            len: 0,
            eof: false,
            delimiter,
            line: 1,
            line_start: 0,
            single_byte: encoding == Encoding::Latin1,
        }
    }

    /// Sets the delimiter (after detecting it from the header's bytes).
    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.delimiter = delimiter;
    }

    /// The bytes buffered but not yet read (at most the buffer's size), for detecting the
    /// delimiter from the header.
    ///
    /// # Errors
    ///
    /// When the input cannot be read.
    pub fn peek_buffer(&mut self) -> Result<&[u8], CsvError> {
        while self.len < self.buf.len() && !self.eof {
            self.fill()?;
        }
        Ok(&self.buf[self.pos..self.len])
    }

    /// Reads once into the buffer after its `len` bytes, retrying a read that a signal
    /// interrupted; the end of the input is remembered (`eof`).
    fn fill(&mut self) -> Result<(), CsvError> {
        loop {
            match self.input.read(&mut self.buf[self.len..]) {
                Ok(n) => {
                    self.len += n;
                    self.eof = n == 0;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(&e)),
            }
        }
    }

    fn io_error(&self, err: &io::Error) -> CsvError {
        CsvError {
            line: self.line,
            column: None,
            message: format!("cannot read the file: {err}"),
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, CsvError> {
        if self.pos == self.len {
            if self.eof {
                return Ok(None);
            }
            self.pos = 0;
            self.len = 0;
            self.fill()?;
            if self.eof {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// The column (1-based, in characters) of the next byte of `rec.raw`.
    fn column(&self, rec: &Record) -> u64 {
        let line = rec.raw.get(self.line_start..).unwrap_or_default();
        let chars = if self.single_byte {
            line.len()
        } else {
            line.iter().filter(|b| (**b & 0xC0) != 0x80).count()
        };
        chars as u64 + 1
    }

    fn error(line: u64, column: Option<u64>, message: &str) -> CsvError {
        CsvError {
            line,
            column,
            message: message.to_owned(),
        }
    }

    /// Takes the next byte into `rec.raw`, counting lines.
    fn take(&mut self, rec: &mut Record, byte: u8) -> Result<(), CsvError> {
        self.pos += 1;
        rec.raw.push(byte);
        if byte == b'\n' || (byte == b'\r' && self.peek()? != Some(b'\n')) {
            self.line += 1;
            self.line_start = rec.raw.len();
        }
        if rec.raw.len() > MAX_RECORD_BYTES {
            return Err(Self::error(
                rec.line,
                None,
                &format!(
                    "a record longer than {} MiB: most likely a quoted field whose closing quote \
                     is missing (look for an odd number of `\"` from this line on)",
                    MAX_RECORD_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }

    /// Reads the next record into `rec`; `false` at the end of the input. Blank lines are
    /// skipped.
    ///
    /// # Errors
    ///
    /// A [`CsvError`] naming the line (and column) where the file stops being CSV.
    pub fn read(&mut self, rec: &mut Record) -> Result<bool, CsvError> {
        loop {
            rec.clear();
            self.line_start = 0;
            rec.line = self.line;
            let Some(first) = self.peek()? else {
                return Ok(false);
            };
            // A blank line.
            if first == b'\n' || first == b'\r' {
                self.pos += 1;
                if first == b'\r' && self.peek()? == Some(b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
                continue;
            }
            self.read_fields(rec)?;
            return Ok(true);
        }
    }

    fn read_fields(&mut self, rec: &mut Record) -> Result<(), CsvError> {
        loop {
            let field_start = rec.raw.len();
            if self.peek()? == Some(b'"') {
                let (open_line, open_col) = (self.line, self.column(rec));
                self.take(rec, b'"')?;
                loop {
                    let Some(b) = self.peek()? else {
                        return Err(Self::error(
                            open_line,
                            Some(open_col),
                            "a quoted field opened here is never closed (a stray or missing `\"`)",
                        ));
                    };
                    if b == 0 {
                        return Err(self.nul(rec));
                    }
                    self.take(rec, b)?;
                    if b == b'"' {
                        if self.peek()? == Some(b'"') {
                            self.take(rec, b'"')?;
                            rec.values.push(b'"');
                        } else {
                            break;
                        }
                    } else {
                        rec.values.push(b);
                    }
                }
                match self.peek()? {
                    None | Some(b'\r' | b'\n') => {}
                    Some(d) if d == self.delimiter => {}
                    Some(_) => {
                        return Err(Self::error(
                            self.line,
                            Some(self.column(rec)),
                            "text after the closing quote of a quoted field (a stray `\"`? \
                             a quote inside a quoted field is written `\"\"`)",
                        ))
                    }
                }
            } else {
                loop {
                    match self.peek()? {
                        None | Some(b'\r' | b'\n') => break,
                        Some(d) if d == self.delimiter => break,
                        Some(0) => return Err(self.nul(rec)),
                        Some(b) => {
                            self.take(rec, b)?;
                            rec.values.push(b);
                        }
                    }
                }
            }
            rec.spans.push((field_start, rec.raw.len()));
            rec.ends.push(rec.values.len());
            match self.peek()? {
                Some(d) if d == self.delimiter => {
                    self.pos += 1;
                    rec.raw.push(d);
                }
                Some(b'\r') => {
                    self.pos += 1;
                    if self.peek()? == Some(b'\n') {
                        self.pos += 1;
                        rec.terminator = b"\r\n";
                    } else {
                        rec.terminator = b"\r";
                    }
                    self.line += 1;
                    return Ok(());
                }
                Some(b'\n') => {
                    self.pos += 1;
                    rec.terminator = b"\n";
                    self.line += 1;
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
    }

    fn nul(&self, rec: &Record) -> CsvError {
        Self::error(
            self.line,
            Some(self.column(rec)),
            "a NUL byte: is this file UTF-16 without a byte order mark? Pass --encoding utf-16le \
             (or utf-16be), or convert the file to UTF-8",
        )
    }
}

/// The delimiter of a header line: the most frequent of `,`, `;` and tab outside quotes
/// (a comma when there is none: a single column).
pub fn detect_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// Checks that a record of a UTF-8 (or transcoded UTF-16) file is UTF-8.
///
/// # Errors
///
/// Where the first byte that is not UTF-8 is, with what to do.
pub fn check_utf8(rec: &Record) -> Result<(), CsvError> {
    let Err(e) = std::str::from_utf8(&rec.raw) else {
        return Ok(());
    };
    let bad = e.valid_up_to();
    let before = &rec.raw[..bad];
    let newlines = before.iter().filter(|b| **b == b'\n').count() as u64;
    let line_begin = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column =
        std::str::from_utf8(&before[line_begin..]).map_or(0, |s| s.chars().count()) as u64 + 1;
    let byte = rec.raw[bad];
    Err(CsvError {
        line: rec.line + newlines,
        column: Some(column),
        message: format!(
            "a byte that is not UTF-8 (0x{byte:02X}): if the file is Latin-1 or Windows-1252 \
             (Excel on Windows often writes those), pass --encoding latin1; otherwise convert \
             it to UTF-8"
        ),
    })
}

/// Decodes a field's bytes: UTF-8 (checked by [`check_utf8`] before) or Windows-1252
/// (every byte a character). Never produces U+FFFD.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Option<String> {
    match encoding {
        Encoding::Latin1 => Some(
            WINDOWS_1252
                .decode_without_bom_handling_and_without_replacement(bytes)?
                .into_owned(),
        ),
        _ => std::str::from_utf8(bytes).ok().map(str::to_owned),
    }
}

/// Encodes text written by this tool (the `error` column) into the file's encoding. Records
/// are written as their original bytes; only this text is encoded.
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        // Characters Windows-1252 lacks become numeric character references (`&#8364;`),
        // never U+FFFD.
        Encoding::Latin1 => WINDOWS_1252.encode(text).0.into_owned(),
        Encoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Encoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
    }
}

/// The bytes of a record read from the file, back in the file's encoding (for UTF-16
/// input, records are held as UTF-8).
pub fn reencode(raw: &[u8], encoding: Encoding) -> Vec<u8> {
    if encoding.is_utf16() {
        // Records of UTF-16 input were decoded into UTF-8 by `Utf16Reader`.
        match std::str::from_utf8(raw) {
            Ok(text) => encode(text, encoding),
            Err(_) => raw.to_vec(),
        }
    } else {
        raw.to_vec()
    }
}

/// The byte order mark to write at the start of a file in `encoding`, if the input had one.
pub fn bom(encoding: Encoding) -> &'static [u8] {
    match encoding {
        Encoding::Utf8 => &[0xEF, 0xBB, 0xBF],
        Encoding::Utf16Le => &[0xFF, 0xFE],
        Encoding::Utf16Be => &[0xFE, 0xFF],
        Encoding::Latin1 => &[],
    }
}

/// The failed-rows CSV: the header and the original bytes of each row not imported, in the
/// input's encoding (with its byte order mark if it had one), plus an `error` column
/// (replacing the value of an existing one). Opened on the first row.
pub struct FailedRows {
    /// Where it is written.
    pub path: PathBuf,
    out: Option<BufWriter<File>>,
    encoding: Encoding,
    had_bom: bool,
    delimiter: u8,
    header: Record,
    error_column: Option<usize>,
    error_name: &'static str,
}

impl FailedRows {
    /// A file at `path` for the rows of a file read with `encoding` (`had_bom`: it started
    /// with a byte order mark) and `delimiter`, whose header is `header`; the error goes in
    /// column `error_column` if the header has one, else in a new column `error_name`.
    pub fn new(
        path: PathBuf,
        (encoding, had_bom, delimiter): (Encoding, bool, u8),
        header: Record,
        error_column: Option<usize>,
        error_name: &'static str,
    ) -> Self {
        FailedRows {
            path,
            out: None,
            encoding,
            had_bom,
            delimiter,
            header,
            error_column,
            error_name,
        }
    }

    fn quote(text: &str) -> String {
        let one_line: String = text
            .chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
            .collect();
        format!("\"{}\"", one_line.replace('"', "\"\""))
    }

    /// `rec`'s bytes with `error` in the error column, in the stream's bytes (UTF-8 for
    /// UTF-16 input), with its terminator.
    fn line(&self, rec: &Record, error: &str, fallback_terminator: &'static [u8]) -> Vec<u8> {
        let error = match self.encoding {
            Encoding::Latin1 => encode(error, Encoding::Latin1),
            _ => error.as_bytes().to_vec(),
        };
        let mut out = Vec::with_capacity(rec.raw.len() + error.len() + 4);
        match self.error_column {
            None => {
                out.extend_from_slice(&rec.raw);
                out.push(self.delimiter);
                out.extend_from_slice(&error);
            }
            Some(col) => {
                for i in 0..rec.len() {
                    if i > 0 {
                        out.push(self.delimiter);
                    }
                    if i == col {
                        out.extend_from_slice(&error);
                    } else {
                        out.extend_from_slice(rec.raw_field(i).unwrap_or_default());
                    }
                }
            }
        }
        out.extend_from_slice(if rec.terminator.is_empty() {
            fallback_terminator
        } else {
            rec.terminator
        });
        out
    }

    /// Writes `rec` with `error` (opening the file, with the header, on the first row).
    ///
    /// # Errors
    ///
    /// When the file cannot be written.
    pub fn write(&mut self, rec: &Record, error: &str) -> std::io::Result<()> {
        let terminator: &'static [u8] = if self.header.terminator.is_empty() {
            b"\n"
        } else {
            self.header.terminator
        };
        if self.out.is_none() {
            let mut out = BufWriter::new(File::create(&self.path)?);
            if self.had_bom {
                out.write_all(bom(self.encoding))?;
            }
            let mut header = self.header.raw.clone();
            if self.error_column.is_none() {
                header.push(self.delimiter);
                header.extend_from_slice(self.error_name.as_bytes());
            }
            header.extend_from_slice(terminator);
            out.write_all(&reencode(&header, self.encoding))?;
            self.out = Some(out);
        }
        let line = self.line(rec, &Self::quote(error), terminator);
        if let Some(out) = &mut self.out {
            out.write_all(&reencode(&line, self.encoding))?;
        }
        Ok(())
    }

    /// Flushes the file; whether one was written.
    ///
    /// # Errors
    ///
    /// When the file cannot be written.
    pub fn finish(&mut self) -> std::io::Result<bool> {
        match &mut self.out {
            Some(out) => {
                out.flush()?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(data: &[u8], delimiter: u8) -> Result<Vec<(u64, Vec<String>, String)>, CsvError> {
        let mut r = RecordReader::new(
            data.to_vec(),
            Box::new(io::empty()),
            Encoding::Utf8,
            delimiter,
        );
        let mut rec = Record::default();
        let mut out = Vec::new();
        while r.read(&mut rec)? {
            let fields = (0..rec.len())
                .map(|i| String::from_utf8(rec.value(i).unwrap().to_vec()).unwrap())
                .collect();
            out.push((
                rec.line,
                fields,
                String::from_utf8(rec.raw.clone()).unwrap()
                    + std::str::from_utf8(rec.terminator).unwrap(),
            ));
        }
        Ok(out)
    }

    #[test]
    fn a_record_read_has_fields_an_empty_one_none() {
        assert!(Record::default().is_empty());
        let got = records(b"a\n,\n", b',').unwrap();
        assert_eq!(got[1].1, ["", ""]);
        let mut r = RecordReader::new(b"x\n".to_vec(), Box::new(io::empty()), Encoding::Utf8, b',');
        let mut rec = Record::default();
        assert!(r.read(&mut rec).unwrap());
        assert!(!rec.is_empty());
        assert_eq!(rec.len(), 1);
    }

    #[test]
    fn records_lines_and_raw_bytes() {
        let data = b"a,b\r\n1,\"x\r\ny\"\r\n\r\n\n3,\"say \"\"hi\"\"\"\r4,\n5,6";
        let got = records(data, b',').unwrap();
        let lines: Vec<u64> = got.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 2, 6, 7, 8]);
        assert_eq!(got[1].1, ["1", "x\r\ny"]);
        assert_eq!(got[1].2, "1,\"x\r\ny\"\r\n");
        assert_eq!(got[2].1, ["3", "say \"hi\""]);
        assert_eq!(got[3].1, ["4", ""]);
        assert_eq!(got[4].2, "5,6");
        // The raw bytes of all records, in order, are the file less its blank lines.
        let joined: String = got.iter().map(|r| r.2.as_str()).collect();
        assert_eq!(
            joined.replace("\r\n\r\n\n", "\r\n"),
            std::str::from_utf8(data)
                .unwrap()
                .replace("\r\n\r\n\n", "\r\n")
        );
    }

    #[test]
    fn quotes_that_would_lose_rows_are_refused_where_they_are() {
        let err = records(b"a,b\n1,\"x\n2,y\n3,z\n", b',').unwrap_err();
        assert_eq!((err.line, err.column), (2, Some(3)));
        assert!(err.message.contains("never closed"), "{err}");
        let err = records(b"a,b\n\"1\"x,2\n", b',').unwrap_err();
        assert_eq!((err.line, err.column), (2, Some(4)));
        assert!(err.message.contains("after the closing quote"), "{err}");
        // A quote inside an unquoted field is an ordinary character.
        let got = records(b"a,b\nJoe \"JJ\" Doe,2\n", b',').unwrap();
        assert_eq!(got[1].1, ["Joe \"JJ\" Doe", "2"]);
        let err = records(b"a,b\n1,x\0y\n", b',').unwrap_err();
        assert_eq!((err.line, err.column), (2, Some(4)));
    }

    /// Hands out `data` a few bytes at a time, each read first interrupted by a signal.
    struct Interrupted {
        data: Vec<u8>,
        at: usize,
        interrupt: bool,
    }

    impl Read for Interrupted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(3).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn read_all(mut r: RecordReader) -> Vec<Vec<String>> {
        let mut rec = Record::default();
        let mut out = Vec::new();
        while r.read(&mut rec).unwrap() {
            out.push(
                (0..rec.len())
                    .map(|i| String::from_utf8(rec.value(i).unwrap().to_vec()).unwrap())
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn a_read_interrupted_by_a_signal_is_retried_and_loses_nothing() {
        let text = "url,name\nhttps://x/in/a,Zoë\nhttps://x/in/b,\"B, \"\"b\"\"\"\n";
        let expected = [
            vec!["url", "name"],
            vec!["https://x/in/a", "Zoë"],
            vec!["https://x/in/b", "B, \"b\""],
        ];
        let interrupted = |data: Vec<u8>| -> Box<dyn Read + Send> {
            Box::new(Interrupted {
                data,
                at: 0,
                interrupt: false,
            })
        };
        // UTF-8, with the header's bytes peeked first (as the delimiter detection does).
        let mut r = RecordReader::new(
            Vec::new(),
            interrupted(text.as_bytes().to_vec()),
            Encoding::Utf8,
            b',',
        );
        assert!(r.peek_buffer().unwrap().starts_with(b"url,name\n"));
        assert_eq!(read_all(r), expected);
        // UTF-8 read without peeking: every refill goes through an interrupted read.
        let r = RecordReader::new(
            Vec::new(),
            interrupted(text.as_bytes().to_vec()),
            Encoding::Utf8,
            b',',
        );
        assert_eq!(read_all(r), expected);
        // UTF-16: the decoder sees every byte once.
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let r = RecordReader::new(Vec::new(), interrupted(utf16), Encoding::Utf16Be, b',');
        assert_eq!(read_all(r), expected);
    }

    #[test]
    fn utf16_read_a_few_bytes_at_a_time_is_the_same_utf8() {
        let text = "url,name\nhttps://x/in/zoë,Zoë Løkke €\n".repeat(3);
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut r = Utf16Reader::new(io::Cursor::new(utf16), Encoding::Utf16Le);
        let mut got = Vec::new();
        let mut buf = [0u8; 5];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(String::from_utf8(got).unwrap(), text);
    }

    #[test]
    fn blank_lines_of_every_kind_count_one_line_each() {
        // Two LF blank lines, then CR-only lines (old Mac) with a blank one.
        let got = records(b"a,b\n\n\n3,4\r\r5,6\r", b',').unwrap();
        let rows: Vec<(u64, Vec<String>)> = got.into_iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(
            rows,
            [
                (1, vec!["a".to_owned(), "b".to_owned()]),
                (4, vec!["3".to_owned(), "4".to_owned()]),
                (6, vec!["5".to_owned(), "6".to_owned()]),
            ]
        );
    }

    #[test]
    fn an_error_column_counts_characters_not_bytes() {
        // `"é"` is three characters (four bytes): the text after it is in column 4.
        let err = records("a,b\n\"é\"x,2\n".as_bytes(), b',').unwrap_err();
        assert_eq!((err.line, err.column), (2, Some(4)));
        // A NUL after two 3-byte characters on the second physical line of a record.
        let err = records("a,b\n\"x\n€€\0\",2\n".as_bytes(), b',').unwrap_err();
        assert_eq!((err.line, err.column), (3, Some(3)));
    }

    #[test]
    fn a_record_of_exactly_the_limit_is_read_one_byte_more_is_refused() {
        let at_limit = format!("a\n{}\n", "x".repeat(MAX_RECORD_BYTES));
        let got = records(at_limit.as_bytes(), b',').unwrap();
        assert_eq!(got[1].1[0].len(), MAX_RECORD_BYTES);
        let over = format!("a\n{}\n", "x".repeat(MAX_RECORD_BYTES + 1));
        let err = records(over.as_bytes(), b',').unwrap_err();
        assert_eq!((err.line, err.column), (2, None));
        assert!(err.message.contains("a record longer than 4 MiB"), "{err}");
    }

    #[test]
    fn delimiters_are_detected_from_the_header() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2"), b',');
        assert_eq!(
            detect_delimiter(b"first_name;last_name;linkedin_url\n"),
            b';'
        );
        assert_eq!(detect_delimiter(b"a\tb\tc\n"), b'\t');
        // The most frequent wins, whichever it is.
        assert_eq!(detect_delimiter(b"a,b,c;d\tf\n"), b',');
        assert_eq!(detect_delimiter(b"a;b;c,d\tf\n"), b';');
        assert_eq!(detect_delimiter(b"a\tb\tc,d;f\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(detect_delimiter(b"url\n"), b',');
        let got = records(b"a;b\n1;\"x;y\"\n", b';').unwrap();
        assert_eq!(got[1].1, ["1", "x;y"]);
    }

    #[test]
    fn only_the_header_outside_quotes_decides_the_delimiter() {
        // Delimiters inside quotes are not counted, however many there are.
        assert_eq!(detect_delimiter(b"\"a;b;c\",url\n"), b',');
        assert_eq!(detect_delimiter(b"\"a,b,c\";url\n"), b';');
        assert_eq!(detect_delimiter(b"\"a\tb\tc\";url\n"), b';');
        // Nor those of the lines after the header...
        assert_eq!(detect_delimiter(b"url,name\nx;y;z;w,v\n"), b',');
        assert_eq!(detect_delimiter(b"url;name\rx,y,z,w;v\r"), b';');
        // ...but a line break inside quotes is part of the header.
        assert_eq!(detect_delimiter(b"\"url\nx\";a;b,c\n"), b';');
    }

    #[test]
    fn a_byte_that_is_not_utf8_is_placed_on_its_physical_line() {
        // A record that starts on line 2 and whose quoted field spans two more lines.
        let mut r = RecordReader::new(
            b"url,name\n\"x\ny\nzz\xFF\",b\n".to_vec(),
            Box::new(io::empty()),
            Encoding::Utf8,
            b',',
        );
        let mut rec = Record::default();
        assert!(r.read(&mut rec).unwrap());
        assert!(check_utf8(&rec).is_ok());
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.line, 2);
        let err = check_utf8(&rec).unwrap_err();
        assert_eq!((err.line, err.column), (4, Some(3)));
    }

    #[test]
    fn encodings() {
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFa", None), (Encoding::Utf8, 3));
        assert_eq!(
            detect_encoding(b"\xFF\xFEa\0", None),
            (Encoding::Utf16Le, 2)
        );
        assert_eq!(
            detect_encoding(b"\xFE\xFF\0a", None),
            (Encoding::Utf16Be, 2)
        );
        assert_eq!(detect_encoding(b"abc", None), (Encoding::Utf8, 0));
        // A byte order mark that agrees with `--encoding` is dropped; one that does not is
        // read as text in the encoding asked for.
        assert_eq!(
            detect_encoding(b"\xFF\xFEa\0", Some(Encoding::Utf16Le)),
            (Encoding::Utf16Le, 2)
        );
        assert_eq!(
            detect_encoding(b"\xEF\xBB\xBFa", Some(Encoding::Latin1)),
            (Encoding::Latin1, 0)
        );
        assert_eq!(
            detect_encoding(b"\xFF\xFEa\0", Some(Encoding::Utf16Be)),
            (Encoding::Utf16Be, 0)
        );
        assert_eq!(
            detect_encoding(b"abc", Some(Encoding::Latin1)),
            (Encoding::Latin1, 0)
        );
        let rec = Record {
            line: 3,
            raw: b"J\xFCrgen,x".to_vec(),
            ..Record::default()
        };
        let err = check_utf8(&rec).unwrap_err();
        assert_eq!((err.line, err.column), (3, Some(2)));
        assert!(err.message.contains("--encoding latin1"));
        assert_eq!(decode(b"J\xFCrgen", Encoding::Latin1).unwrap(), "Jürgen");
        assert_eq!(encode("é €", Encoding::Latin1), b"\xE9 \x80");
        assert_eq!(encode("a✓", Encoding::Latin1), b"a&#10003;");
        // UTF-16 is read as UTF-8, and written back as it was.
        let utf16: Vec<u8> = "a,b\nJürgen,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut r = RecordReader::new(
            utf16.clone(),
            Box::new(io::empty()),
            Encoding::Utf16Le,
            b',',
        );
        let mut rec = Record::default();
        assert!(r.read(&mut rec).unwrap());
        assert!(r.read(&mut rec).unwrap());
        assert_eq!(rec.value(0).unwrap(), "Jürgen".as_bytes());
        let mut back = reencode(&rec.raw, Encoding::Utf16Le);
        back.extend(encode("\n", Encoding::Utf16Le));
        assert_eq!(back, utf16[8..]);
        // An unpaired surrogate is refused.
        let mut bad = utf16.clone();
        bad.extend([0x00, 0xD8, b'x', 0]);
        let mut r = RecordReader::new(bad, Box::new(io::empty()), Encoding::Utf16Le, b',');
        let mut n = 0;
        let err = loop {
            match r.read(&mut rec) {
                Ok(true) => n += 1,
                Ok(false) => panic!("accepted"),
                Err(e) => break e,
            }
        };
        assert_eq!(n, 2);
        assert!(err.message.contains("UTF-16"), "{err}");
    }
}
