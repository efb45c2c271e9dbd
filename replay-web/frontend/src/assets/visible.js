// Text that came from a user (statements, reasons, identities, comments, recorded output) shown so
// that nothing in it acts on the page or hides: the characters of Gatehouse's VisibleText
// (recorder/src/main/java/dev/gatehouse/recorder/VisibleText.java) become escapes — C0/C1
// controls and DEL, bidi overrides and isolates (which reorder what is displayed), zero-width and
// other invisible characters, every space but U+0020. The ranges below are that class's table;
// VisibleTextParityTest (replay-web) runs this module and fails if the two ever differ.

/** Inclusive ranges of code points shown escaped, in order (VisibleText.HIDDEN). */
export const HIDDEN = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x00a0, 0x00a0],
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x0600, 0x0605],
  [0x061c, 0x061c],
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x0890, 0x0891],
  [0x08e2, 0x08e2],
  [0x115f, 0x1160],
  [0x1680, 0x1680],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x2000, 0x200f],
  [0x2028, 0x202f],
  [0x205f, 0x206f],
  [0x2800, 0x2800],
  [0x3000, 0x3000],
  [0x3164, 0x3164],
  [0xd800, 0xdfff],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfffb],
  [0xfffe, 0xffff],
  [0x110bd, 0x110bd],
  [0x110cd, 0x110cd],
  [0x13430, 0x1343f],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe0fff],
];

/** Combining marks that stack on one character (VisibleText.STACKING): two in a row are shown, the rest escaped. */
export const STACKING = [
  [0x0300, 0x036f],
  [0x0483, 0x0489],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
];
const MAX_STACKED = 2;

function within(table, cp) {
  let lo = 0;
  let hi = table.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (cp < table[mid][0]) hi = mid - 1;
    else if (cp > table[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Whether the code point is shown as an escape. */
export function hidden(cp) {
  return within(HIDDEN, cp);
}

export function stacking(cp) {
  return within(STACKING, cp);
}

/** \n, \r, \t; \xHH up to U+007F; \u{HHHH} above (as VisibleText.escape). */
export function escape(cp) {
  if (cp === 0x0a) return "\\n";
  if (cp === 0x0d) return "\\r";
  if (cp === 0x09) return "\\t";
  if (cp <= 0x7f) return "\\x" + cp.toString(16).padStart(2, "0");
  return "\\u{" + cp.toString(16).padStart(4, "0") + "}";
}

/** On one line: every hidden character escaped, line ends too (VisibleText.inline). */
export function visible(text) {
  if (text === null || text === undefined) return "";
  let out = "";
  let stacked = 0;
  for (const ch of String(text)) {
    const cp = ch.codePointAt(0);
    stacked = stacking(cp) ? stacked + 1 : 0;
    out += hidden(cp) || stacked > MAX_STACKED ? escape(cp) : ch;
  }
  return out;
}

/**
 * Keeping line structure (VisibleText.lines): each line end (LF, CR, CRLF — each ends a -- comment
 * in SQL) becomes a line break, a CR shown as \r before it; every other hidden character escaped.
 * For elements that show line breaks (white-space: pre-wrap).
 */
export function visibleLines(text) {
  if (text === null || text === undefined) return "";
  const s = String(text);
  let out = "";
  const chars = [...s];
  let stacked = 0;
  for (let k = 0; k < chars.length; k++) {
    const cp = chars[k].codePointAt(0);
    stacked = stacking(cp) ? stacked + 1 : 0;
    if (cp === 0x0a) out += "\n";
    else if (cp === 0x0d) out += chars[k + 1] === "\n" ? "\\r" : "\\r\n";
    else out += hidden(cp) || stacked > MAX_STACKED ? escape(cp) : chars[k];
  }
  return out;
}
