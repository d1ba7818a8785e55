import type { ByteRange } from '../connectors/connector';

/**
 * Parses a single-range `Range: bytes=...` header. Returns undefined for no
 * header or one we serve whole (multiple ranges, other units), as RFC 9110
 * allows; 'unsatisfiable' for a range that cannot be met.
 */
export function parseRange(header: string | undefined, size: () => Promise<number>): Promise<ByteRange | undefined | 'unsatisfiable'> {
  return (async () => {
    if (!header) return undefined;
    const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
    if (!m || (m[1] === '' && m[2] === '')) return undefined;
    if (m[1] === '') {
      // Suffix range: the last N bytes.
      const n = Number(m[2]);
      const total = await size();
      if (n === 0) return 'unsatisfiable';
      return { start: Math.max(0, total - n) };
    }
    const start = Number(m[1]);
    const end = m[2] === '' ? undefined : Number(m[2]);
    if (end !== undefined && end < start) return undefined;
    return { start, end };
  })();
}
