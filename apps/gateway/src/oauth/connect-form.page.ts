import type { ConnectForm } from '@app/common';
import { FORM_FIELDS, SERVICE_LABELS, type FormField } from './connect-form.fields';

/** Where the form posts: the gateway's own route (`OAuthController.submitForm`). */
export const FORM_ACTION = '/v1/oauth/form';

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The connect form of a credential-based service: its fields, the flow's state
 * in a hidden input (the form's only key: single use, 10 minutes), and the
 * reason the last submission was refused. Secret fields are never filled back
 * in. No script: it works in the picker's popup and in a plain browser tab.
 */
export function connectFormPage(form: ConnectForm, values: Record<string, string> = {}): string {
  const label = SERVICE_LABELS[form.service] ?? form.service;
  const fields = FORM_FIELDS[form.service].map((f) => fieldHtml(f, values[f.name] ?? (form.error ? undefined : f.initial))).join('\n');
  const error = form.error ? `<p class="error" role="alert" id="connect-error">${escapeHtml(form.error)}</p>\n` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect ${escapeHtml(label)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;color:#222;background:#f6f7f9}
main{max-width:28rem;margin:auto;background:#fff;padding:1.5rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.25rem;margin-top:0}label{display:block;margin:.75rem 0 .25rem;font-size:.9rem}
input[type=text],input[type=password],input[type=number],select,textarea{width:100%;box-sizing:border-box;padding:.45rem;border:1px solid #bbb;border-radius:4px;font:inherit}
textarea{height:5rem;font-family:monospace;font-size:.8rem}.check{display:flex;gap:.5rem;align-items:center}.check label{margin:0}
button{margin-top:1.25rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#2b6de0;color:#fff;font-size:1rem;cursor:pointer}
.error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:4px}
</style></head>
<body><main>
<h1>Connect ${escapeHtml(label)}</h1>
${error}<form method="post" action="${FORM_ACTION}" autocomplete="off" id="connect-form">
<input type="hidden" name="state" value="${escapeHtml(form.state)}">
<input type="hidden" name="service" value="${escapeHtml(form.service)}">
${fields}
<button type="submit" id="connect-submit">Connect</button>
</form>
</main></body></html>
`;
}

function fieldHtml(field: FormField, value: string | undefined): string {
  const id = `field-${field.name}`;
  const name = escapeHtml(field.name);
  const required = field.required ? ' required' : '';
  const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
  const secret = field.kind === 'secret' || field.secret === true;
  const shown = secret ? '' : escapeHtml(value ?? '');
  const labelHtml = `<label for="${id}">${escapeHtml(field.label)}</label>`;
  switch (field.kind) {
    case 'checkbox':
      return `<div class="check"><input type="checkbox" id="${id}" name="${name}"${value === 'on' ? ' checked' : ''}>${labelHtml}</div>`;
    case 'select': {
      const options = (field.options ?? []).map((o) => `<option${o === value ? ' selected' : ''}>${escapeHtml(o)}</option>`).join('');
      return `${labelHtml}<select id="${id}" name="${name}">${options}</select>`;
    }
    case 'textarea':
      return `${labelHtml}<textarea id="${id}" name="${name}"${required}${placeholder}>${shown}</textarea>`;
    default: {
      const type = field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text';
      return `${labelHtml}<input type="${type}" id="${id}" name="${name}" value="${shown}"${required}${placeholder}>`;
    }
  }
}
