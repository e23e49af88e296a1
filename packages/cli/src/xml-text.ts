/** What XML 1.0 cannot hold, not even as a character reference: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF. */
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text for an XML (or HTML) element's content: markup escaped, and what XML cannot hold written as its JavaScript escape (`\x1b`, `\ufffe`). */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, visible).replace(/[&<>]/g, (ch) => ENTITIES[ch] as string);
}

/** Text for a double-quoted attribute: as xmlText, the quote too, and tab, LF and CR as references, which a parser would otherwise turn into spaces. */
export function xmlAttribute(text: string): string {
  return text
    .replace(NOT_XML, visible)
    .replace(/[&<>"]/g, (ch) => ENTITIES[ch] as string)
    .replace(/[\t\n\r]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
