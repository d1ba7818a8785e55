import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOG, EVENT_TYPES } from './catalog';

const doc = readFileSync(join(__dirname, '../../../../../docs/webhooks.md'), 'utf8');

/** docs/webhooks.md shows every event of the catalog with its line of docs and its example, as the code has them. */
describe('event catalog and docs/webhooks.md', () => {
  it.each(EVENT_TYPES)('%s: documented with the same description and example, which its schema accepts', (type) => {
    const entry = EVENT_CATALOG[type];
    expect(entry.schema.safeParse(entry.example).success).toBe(true);
    const start = doc.indexOf(`### \`${type}\`\n`);
    expect(start).toBeGreaterThan(-1);
    const section = doc.slice(start, doc.indexOf('\n### ', start + 4) >>> 0);
    expect(section).toContain(entry.description);
    const json = section.slice(section.indexOf('```json') + 7, section.indexOf('```', section.indexOf('```json') + 7));
    expect(JSON.parse(json)).toMatchObject({ type, data: entry.example });
  });
});
