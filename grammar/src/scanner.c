/*
 * External scanner for the TVMScript grammar.
 *
 * It produces the tokens a context-free lexer cannot:
 *   - NEWLINE, INDENT and DEDENT, computed from the indentation of the next line that holds code
 *     (blank lines and comment-only lines do not count). All three are zero-width tokens placed
 *     where the logical line ends; the line break, the comments and the leading whitespace are
 *     then consumed as extras by the generated lexer. Inside brackets the grammar never expects
 *     NEWLINE, INDENT or DEDENT, so line breaks there are plain whitespace (implicit line
 *     joining). A backslash before a line break joins the two lines (explicit line joining).
 *     A tab advances the column to the next multiple of 8, as in Python.
 *   - STRING_START, STRING_CONTENT and STRING_END for every Python string form: an optional
 *     prefix of up to two letters from `rRbBuUfF`, then one of ' " ''' """. Inside a non-raw
 *     string the scanner stops before each backslash so that the grammar lexes the escape
 *     sequence as its own node; inside a raw string a backslash and the character after it are
 *     content.
 *
 * Invariants: the indent stack is never empty (its bottom is column 0) and is strictly
 * increasing; `string_delimiter` is zero exactly when the scanner is not inside a string.
 * The whole state fits in the serialization buffer because the stack is capped at
 * MAX_INDENT_DEPTH levels.
 */

#include "tree_sitter/parser.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum TokenType {
  NEWLINE,
  INDENT,
  DEDENT,
  STRING_START,
  STRING_CONTENT,
  STRING_END,
};

/* Bits of `string_delimiter`: the quote character in the low byte, and flags above it. */
#define DELIMITER_QUOTE_MASK 0xFF
#define DELIMITER_TRIPLE 0x100
#define DELIMITER_RAW 0x200

/* Deeper nesting than this is reported as a syntax error instead of overflowing the state. */
#define MAX_INDENT_DEPTH 250

typedef struct {
  uint16_t indents[MAX_INDENT_DEPTH];
  uint32_t indent_count;
  uint16_t string_delimiter;
} Scanner;

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }

static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }

static inline uint16_t current_indent(const Scanner *scanner) {
  return scanner->indents[scanner->indent_count - 1];
}

/*
 * Scans string content up to the next escape sequence (non-raw strings), the closing
 * delimiter or, for single-line strings, the end of the line. Returns STRING_END when the
 * closing delimiter comes first, STRING_CONTENT when some text precedes it.
 */
static bool scan_string_body(Scanner *scanner, TSLexer *lexer) {
  const int32_t quote = scanner->string_delimiter & DELIMITER_QUOTE_MASK;
  const bool triple = (scanner->string_delimiter & DELIMITER_TRIPLE) != 0;
  const bool raw = (scanner->string_delimiter & DELIMITER_RAW) != 0;
  bool has_content = false;

  for (;;) {
    if (lexer->eof(lexer)) {
      lexer->mark_end(lexer);
      lexer->result_symbol = STRING_CONTENT;
      return has_content;
    }
    const int32_t c = lexer->lookahead;
    if (c == quote) {
      /* The content, if any, ends before the quote. */
      lexer->mark_end(lexer);
      if (!triple) {
        if (has_content) {
          lexer->result_symbol = STRING_CONTENT;
          return true;
        }
        advance(lexer);
        lexer->mark_end(lexer);
        scanner->string_delimiter = 0;
        lexer->result_symbol = STRING_END;
        return true;
      }
      int quotes = 0;
      while (quotes < 3 && lexer->lookahead == quote) {
        advance(lexer);
        quotes++;
      }
      if (quotes == 3) {
        if (has_content) {
          lexer->result_symbol = STRING_CONTENT;
          return true;
        }
        lexer->mark_end(lexer);
        scanner->string_delimiter = 0;
        lexer->result_symbol = STRING_END;
        return true;
      }
      /* One or two quotes inside a triple-quoted string are ordinary text. */
      has_content = true;
      continue;
    }
    if (c == '\\') {
      if (raw) {
        /* In a raw string the backslash stays, and it keeps the next character from closing. */
        advance(lexer);
        if (!lexer->eof(lexer)) advance(lexer);
        has_content = true;
        continue;
      }
      lexer->mark_end(lexer);
      lexer->result_symbol = STRING_CONTENT;
      return has_content;
    }
    if (!triple && (c == '\n' || c == '\r')) {
      /* An unterminated single-line string: stop so that the parser reports it. */
      lexer->mark_end(lexer);
      lexer->result_symbol = STRING_CONTENT;
      return has_content;
    }
    advance(lexer);
    has_content = true;
  }
}

/* Scans an optional string prefix and an opening delimiter; the token ends after the quotes. */
static bool scan_string_start(Scanner *scanner, TSLexer *lexer) {
  uint16_t flags = 0;
  int prefix_length = 0;
  for (;;) {
    const int32_t c = lexer->lookahead;
    if (c == 'r' || c == 'R') {
      flags |= DELIMITER_RAW;
    } else if (!(c == 'b' || c == 'B' || c == 'u' || c == 'U' || c == 'f' || c == 'F')) {
      break;
    }
    if (++prefix_length > 2) return false;
    advance(lexer);
  }
  const int32_t quote = lexer->lookahead;
  if (quote != '"' && quote != '\'') return false;
  advance(lexer);
  lexer->mark_end(lexer);
  if (lexer->lookahead == quote) {
    advance(lexer);
    if (lexer->lookahead == quote) {
      /* Three quotes open a triple-quoted string. */
      advance(lexer);
      lexer->mark_end(lexer);
      flags |= DELIMITER_TRIPLE;
    }
    /* Otherwise the token is the single opening quote; the second one closes an empty string. */
  }
  scanner->string_delimiter = (uint16_t)quote | flags;
  lexer->result_symbol = STRING_START;
  return true;
}

bool tree_sitter_tvmscript_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  Scanner *scanner = (Scanner *)payload;
  /* During error recovery every symbol is valid; string content and INDENT never are together. */
  const bool error_recovery = valid_symbols[STRING_CONTENT] && valid_symbols[INDENT];

  if (scanner->string_delimiter != 0 && valid_symbols[STRING_CONTENT] && !error_recovery) {
    return scan_string_body(scanner, lexer);
  }

  /* NEWLINE, INDENT and DEDENT are zero-width: they end where the scan starts. */
  lexer->mark_end(lexer);

  bool found_line_end = false;
  bool crossed_comment = false;
  uint32_t column = 0;
  for (;;) {
    const int32_t c = lexer->lookahead;
    if (lexer->eof(lexer)) {
      found_line_end = true;
      column = 0;
      break;
    }
    if (c == '\n') {
      found_line_end = true;
      column = 0;
      skip(lexer);
    } else if (c == ' ') {
      column++;
      skip(lexer);
    } else if (c == '\t') {
      column = (column / 8 + 1) * 8;
      skip(lexer);
    } else if (c == '\r' || c == '\f') {
      column = 0;
      skip(lexer);
    } else if (c == '#') {
      /* A comment never changes indentation: skip to the end of its line and keep going. */
      crossed_comment = true;
      while (!lexer->eof(lexer) && lexer->lookahead != '\n') skip(lexer);
    } else if (c == '\\') {
      /* A backslash joins this line with the next; anything else after it is not whitespace. */
      skip(lexer);
      if (lexer->lookahead == '\r') skip(lexer);
      if (lexer->lookahead == '\n') {
        skip(lexer);
      } else if (!lexer->eof(lexer)) {
        return false;
      }
    } else {
      break;
    }
  }

  if (found_line_end) {
    const uint16_t indent = current_indent(scanner);
    if (valid_symbols[INDENT] && column > indent) {
      if (scanner->indent_count >= MAX_INDENT_DEPTH) return false;
      scanner->indents[scanner->indent_count++] = (uint16_t)(column > UINT16_MAX ? UINT16_MAX : column);
      lexer->result_symbol = INDENT;
      return true;
    }
    if (valid_symbols[NEWLINE] && !error_recovery) {
      lexer->result_symbol = NEWLINE;
      return true;
    }
    if (valid_symbols[DEDENT] && column < indent && scanner->indent_count > 1) {
      scanner->indent_count--;
      lexer->result_symbol = DEDENT;
      return true;
    }
  }

  if (!crossed_comment && valid_symbols[STRING_START]) {
    return scan_string_start(scanner, lexer);
  }
  return false;
}

void *tree_sitter_tvmscript_external_scanner_create(void) {
  Scanner *scanner = (Scanner *)calloc(1, sizeof(Scanner));
  if (scanner == NULL) return NULL;
  scanner->indents[0] = 0;
  scanner->indent_count = 1;
  return scanner;
}

void tree_sitter_tvmscript_external_scanner_destroy(void *payload) { free(payload); }

/* Layout: string_delimiter (2 bytes), then the indent stack above its bottom, 2 bytes each. */
unsigned tree_sitter_tvmscript_external_scanner_serialize(void *payload, char *buffer) {
  const Scanner *scanner = (const Scanner *)payload;
  unsigned size = 0;
  memcpy(buffer + size, &scanner->string_delimiter, sizeof(uint16_t));
  size += sizeof(uint16_t);
  for (uint32_t i = 1; i < scanner->indent_count; i++) {
    if (size + sizeof(uint16_t) > TREE_SITTER_SERIALIZATION_BUFFER_SIZE) break;
    memcpy(buffer + size, &scanner->indents[i], sizeof(uint16_t));
    size += sizeof(uint16_t);
  }
  return size;
}

void tree_sitter_tvmscript_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  Scanner *scanner = (Scanner *)payload;
  scanner->string_delimiter = 0;
  scanner->indents[0] = 0;
  scanner->indent_count = 1;
  if (length < sizeof(uint16_t)) return;
  unsigned offset = 0;
  memcpy(&scanner->string_delimiter, buffer + offset, sizeof(uint16_t));
  offset += sizeof(uint16_t);
  while (offset + sizeof(uint16_t) <= length && scanner->indent_count < MAX_INDENT_DEPTH) {
    memcpy(&scanner->indents[scanner->indent_count], buffer + offset, sizeof(uint16_t));
    scanner->indent_count++;
    offset += sizeof(uint16_t);
  }
}
