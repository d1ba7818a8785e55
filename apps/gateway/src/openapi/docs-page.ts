import type { OpenApiDocument, OpenApiOperation } from './openapi.builder';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (v: unknown) => `<pre>${escape(JSON.stringify(v, null, 2))}</pre>`;

/**
 * The API reference as one self-contained HTML page, generated from the same
 * OpenAPI document (no script, no CDN): operations grouped by tag, each with
 * its parameters, body and responses; schemas at the end.
 */
export function docsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, { path: string; method: string; op: OpenApiOperation }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'misc';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { path, method, op }]);
    }
  }
  const tags = [...byTag.keys()].sort();
  const sections = tags.map((tag) => `<section id="tag-${escape(tag)}"><h2>${escape(tag)}</h2>${byTag.get(tag)!.map(operation).join('')}</section>`).join('');
  const schemas = Object.entries(doc.components.schemas).map(([name, schema]) => `<details id="schema-${escape(name)}"><summary>${escape(name)}</summary>${json(schema)}</details>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem;color:#1d2430}
nav a{margin-right:.8rem}h2{border-bottom:1px solid #ccd;margin-top:2rem}
details.op{border:1px solid #dde;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}.m{display:inline-block;min-width:4.5rem;font-weight:600;text-transform:uppercase}
.get{color:#0b6}.post{color:#06c}.put{color:#a60}.patch{color:#a0a}.delete{color:#c22}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f6f8;padding:.5rem;overflow:auto;max-height:24rem}
table{border-collapse:collapse}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left;vertical-align:top}
</style></head><body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description)}</p>
<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
<nav>${tags.map((t) => `<a href="#tag-${escape(t)}">${escape(t)}</a>`).join('')}<a href="#schemas">schemas</a></nav>
${sections}
<section id="schemas"><h2>schemas</h2>${schemas}</section>
</body></html>`;
}

function operation({ path, method, op }: { path: string; method: string; op: OpenApiOperation }): string {
  const auth = op.security.length ? op.security.map((s) => Object.keys(s).join('+')).join(' or ') : 'none';
  const params = op.parameters.length
    ? `<table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${op.parameters
        .map((p) => `<tr><td><code>${escape(p.name)}</code>${p.description ? `<br>${escape(p.description)}` : ''}</td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`)
        .join('')}</table>`
    : '';
  const body = op.requestBody
    ? `<h4>body</h4>${op.requestBody.description ? `<p>${escape(op.requestBody.description)}</p>` : ''}${Object.entries(op.requestBody.content).map(([type, c]) => `<p><code>${escape(type)}</code></p>${json(c.schema)}`).join('')}`
    : '';
  const responses = Object.entries(op.responses)
    .map(([code, r]) => `<li><b>${escape(code)}</b> ${escape(r.description)}${r.content ? Object.entries(r.content).map(([type, c]) => ` <code>${escape(type)}</code>${json(c.schema)}`).join('') : ''}</li>`)
    .join('');
  return `<details class="op" id="${escape(op.operationId)}"><summary><span class="m ${method}">${method}</span> <code>${escape(path)}</code>${op.summary ? ` — ${escape(op.summary)}` : ''}</summary>
<p>auth: ${escape(auth)} · operationId <code>${escape(op.operationId)}</code></p>${params}${body}<h4>responses</h4><ul>${responses}</ul></details>`;
}
