//! Underline decoration, as TVM's `DocPrinter::GetString` does it.
//!
//! 1. The spans of the underlined docs are merged (overlapping or touching spans join) and the
//!    exempt spans (newlines with their indentation, comments, doc strings) are cut out of them.
//! 2. The text is printed line by line (lines as recorded by the writer); after a line that an
//!    underline touches comes a line of spaces and `^` under the underlined bytes. Widths count
//!    only printable ASCII bytes (`0x20..=0x7E`), as C `isprint` does. An underline of zero width
//!    still gets one `^`, which the next stretch on the same line then gives back.
//! 3. With a context limit, lines farther than the limit from every underline are replaced by
//!    `(... N lines skipped ...)`; gaps of a single line are never cut, and neither are a
//!    single line at the start or end.
//! 4. With line numbers, each text line is prefixed by its number right-aligned in a column as
//!    wide as the largest number plus one; underline lines are indented by that width.

use super::{RenderOptions, Span, push_spaces};

/// Gaps shorter than this many lines are printed instead of cut.
const MIN_LINES_TO_CUT: usize = 2;

/// Merges `spans` and removes `exempted` from them; the result is sorted and disjoint.
pub(crate) fn merge_and_exempt(spans: &[Span], exempted: &[Span]) -> Vec<Span> {
    // Sweep over boundary events: a position is underlined when it is inside at least one span
    // and inside no exempt span.
    let mut events: Vec<(usize, i64, i64)> = Vec::with_capacity(2 * (spans.len() + exempted.len()));
    for &(start, end) in spans {
        events.push((start, 1, 0));
        events.push((end, -1, 0));
    }
    for &(start, end) in exempted {
        events.push((start, 0, 1));
        events.push((end, 0, -1));
    }
    events.sort_unstable();
    let mut result: Vec<Span> = Vec::new();
    let (mut covering, mut exempting) = (0i64, 0i64);
    for index in 0..events.len().saturating_sub(1) {
        let (position, span_delta, exempt_delta) = events[index];
        covering += span_delta;
        exempting += exempt_delta;
        let next_position = events[index + 1].0;
        if covering > 0 && exempting <= 0 && position < next_position {
            match result.last_mut() {
                Some(last) if last.1 == position => last.1 = next_position,
                _ => result.push((position, next_position)),
            }
        }
    }
    result
}

/// Printable width of `text[start..end]`.
fn text_width(text: &[u8], start: usize, end: usize) -> usize {
    let end = end.min(text.len());
    if start >= end {
        return 0;
    }
    text[start..end].iter().filter(|&&byte| (0x20..=0x7E).contains(&byte)).count()
}

/// The index of the recorded line containing byte `position`.
fn line_index(position: usize, line_starts: &[usize]) -> usize {
    line_starts.partition_point(|&start| start <= position).saturating_sub(1)
}

struct Decorator<'a> {
    text: &'a str,
    line_starts: &'a [usize],
    options: &'a RenderOptions,
    line_number_width: usize,
    out: String,
}

impl Decorator<'_> {
    /// Prints recorded lines `lines.0..lines.1` with the underlines that fall on them.
    fn print_chunk(&mut self, lines: (usize, usize), underlines: &[Span]) {
        let bytes = self.text.as_bytes();
        let mut pending = underlines.iter().copied();
        let mut current = pending.next().unwrap_or((usize::MAX, usize::MAX));
        let last_line = lines.1.min(self.line_starts.len());
        for line in lines.0..last_line {
            if self.options.print_line_numbers {
                let number = format!("{} ", line + 1);
                for _ in number.len()..self.line_number_width {
                    self.out.push(' ');
                }
                self.out.push_str(&number);
            }
            let line_start = self.line_starts[line].min(self.text.len());
            let line_end = if line + 1 == self.line_starts.len() {
                self.text.len()
            } else {
                self.line_starts[line + 1].min(self.text.len())
            };
            self.out.push_str(&self.text[line_start..line_end]);

            let mut printed_underline = false;
            let mut line_position = line_start;
            let mut extra_caret = false;
            while current.0 < line_end {
                if !printed_underline {
                    push_spaces(&mut self.out, self.line_number_width);
                    printed_underline = true;
                }
                let end_on_line = line_end.min(current.1);
                let mut spaces = text_width(bytes, line_position, current.0);
                if spaces > 0 && extra_caret {
                    spaces -= 1;
                    extra_caret = false;
                }
                push_spaces(&mut self.out, spaces);
                let mut carets = text_width(bytes, current.0, end_on_line);
                if carets == 0 && !extra_caret {
                    carets = 1;
                    extra_caret = true;
                } else if carets > 0 && extra_caret {
                    carets -= 1;
                    extra_caret = false;
                }
                for _ in 0..carets {
                    self.out.push('^');
                }
                current.0 = end_on_line;
                line_position = end_on_line;
                if current.0 >= current.1 {
                    current = pending.next().unwrap_or((usize::MAX, usize::MAX));
                }
            }
            if printed_underline {
                self.out.push('\n');
            }
        }
    }

    fn print_cut(&mut self, skipped: usize) {
        if skipped != 0 {
            self.out.push_str(&format!("(... {skipped} lines skipped ...)\n"));
        }
    }

    /// The recorded lines to show for `underline`, with context.
    fn chunk_for(&self, underline: Span, num_lines: usize) -> (usize, usize) {
        let context = self.options.num_context_lines.unwrap_or(usize::MAX);
        let first = line_index(underline.0, self.line_starts).saturating_sub(context);
        let end = line_index(underline.1.saturating_sub(1), self.line_starts) + 1;
        let end = if context > num_lines.saturating_sub(end) { num_lines } else { end + context };
        (first, end)
    }
}

/// Decorates finished `text` with `underlines` (sorted, disjoint) and line numbers.
pub(crate) fn decorate(
    text: &str,
    line_starts: &[usize],
    options: &RenderOptions,
    underlines: &[Span],
) -> String {
    // A final empty line (the text ends with a recorded line start) is not a line.
    let num_lines = if line_starts.last() == Some(&text.len()) {
        line_starts.len() - 1
    } else {
        line_starts.len()
    };
    let line_number_width =
        if options.print_line_numbers { num_lines.to_string().len() + 1 } else { 0 };
    let mut decorator = Decorator {
        text,
        line_starts,
        options,
        line_number_width,
        out: String::with_capacity(text.len() + text.len() / 8),
    };
    let Some((&first_underline, rest)) = underlines.split_first() else {
        decorator.print_chunk((0, num_lines), &[]);
        return decorator.out;
    };

    let mut last_end_line = 0;
    let mut chunk = decorator.chunk_for(first_underline, num_lines);
    if chunk.0 < MIN_LINES_TO_CUT {
        chunk.0 = 0;
    }
    let mut chunk_first_underline = 0;
    for (offset, &underline) in rest.iter().enumerate() {
        let index = offset + 1;
        let next = decorator.chunk_for(underline, num_lines);
        if next.0 < chunk.1 + MIN_LINES_TO_CUT {
            chunk.1 = next.1;
        } else {
            decorator.print_cut(chunk.0.saturating_sub(last_end_line));
            decorator.print_chunk(chunk, &underlines[chunk_first_underline..index]);
            last_end_line = chunk.1;
            chunk = next;
            chunk_first_underline = index;
        }
    }
    decorator.print_cut(chunk.0.saturating_sub(last_end_line));
    if num_lines.saturating_sub(chunk.1) < MIN_LINES_TO_CUT {
        chunk.1 = num_lines;
    }
    decorator.print_chunk(chunk, &underlines[chunk_first_underline..]);
    decorator.print_cut(num_lines.saturating_sub(chunk.1));
    decorator.out
}

#[cfg(test)]
mod tests {
    use super::merge_and_exempt;

    #[test]
    fn spans_merge_and_lose_exempt_parts() {
        assert_eq!(merge_and_exempt(&[(0, 5), (3, 8)], &[]), vec![(0, 8)]);
        assert_eq!(merge_and_exempt(&[(0, 5), (5, 8)], &[]), vec![(0, 8)]);
        assert_eq!(merge_and_exempt(&[(0, 10)], &[(4, 6)]), vec![(0, 4), (6, 10)]);
        assert_eq!(merge_and_exempt(&[(2, 2)], &[]), Vec::<(usize, usize)>::new());
        assert_eq!(merge_and_exempt(&[(0, 3)], &[(0, 3)]), Vec::<(usize, usize)>::new());
    }
}
