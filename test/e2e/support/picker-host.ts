import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';

/** The API base URL compiled into the npm package's `dist/picker/picker.js` (its `BASE_URL` build option). */
export const COMPILED_API_BASE = 'https://test-api.kloudless.com';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.less': 'text/plain', '.svg': 'image/svg+xml', '.png': 'image/png' };

export interface PickerHost {
  /** The host's origin: the app page and the picker iframe both live here (register it as the app's origin). */
  origin: string;
  /** The app's page: loads the loader, makes one picker per entry of `pickers`, opens one on `window.openPicker(name)`, records its events in `window.pickerEvents[name]`. */
  appPageUrl: string;
  stop(): Promise<void>;
}

/**
 * Hosts the real `@kloudless/file-picker` from node_modules as an app would
 * self-host it: `dist/picker/` (with its compiled-in API base URL replaced by
 * our gateway's, KLOUDLESS-API.md §4), `dist/loader/loader.js`, and a page of
 * the app that opens the picker with `pickerUrl` pointing here.
 */
export async function startPickerHost(gatewayUrl: string, appId: string, pickers: Record<string, Record<string, unknown>>): Promise<PickerHost> {
  const pkg = dirname(require.resolve('@kloudless/file-picker/package.json'));
  const pickerDir = join(pkg, 'dist', 'picker');
  const pickerJs = (await readFile(join(pickerDir, 'picker.js'), 'utf8')).split(COMPILED_API_BASE);
  if (pickerJs.length !== 2) throw new Error(`expected ${COMPILED_API_BASE} once in picker.js, found it ${pickerJs.length - 1} times`);
  const patchedPickerJs = pickerJs.join(gatewayUrl);
  const loaderJs = await readFile(join(pkg, 'dist', 'loader', 'loader.js'), 'utf8');

  const appPage = `<!doctype html><html><head><meta charset="utf-8"><title>An app using the File Picker</title></head>
<body><h1>My app</h1>
<script src="/loader.js"></script>
<script>
  Kloudless.filePicker.setGlobalOptions({ pickerUrl: location.origin + '/picker/index.html' });
  var options = ${JSON.stringify(pickers)}, pickers = {};
  window.pickerEvents = {};
  Object.keys(options).forEach(function (key) {
    var events = window.pickerEvents[key] = [];
    pickers[key] = Kloudless.filePicker.picker(Object.assign({ app_id: ${JSON.stringify(appId)} }, options[key]));
    ['success', 'error', 'cancel', 'selected', 'addAccount', 'startFileUpload', 'finishFileUpload', 'open', 'close'].forEach(function (name) {
      pickers[key].on(name, function (data) { events.push({ name: name, data: data }); });
    });
  });
  window.openPicker = function (key) { pickers[key].choose(); };
</script></body></html>`;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const send = (status: number, type: string, body: string | Buffer) => {
        res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        res.end(body);
      };
      if (path === '/app.html') return send(200, 'text/html', appPage);
      if (path === '/loader.js') return send(200, 'text/javascript', loaderJs);
      if (path === '/picker/picker.js') return send(200, 'text/javascript', patchedPickerJs);
      if (path.startsWith('/picker/')) {
        const file = normalize(join(pickerDir, decodeURIComponent(path.slice('/picker/'.length))));
        if (!file.startsWith(pickerDir)) return send(404, 'text/plain', 'not found');
        try {
          return send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
        } catch {
          return send(404, 'text/plain', 'not found');
        }
      }
      send(404, 'text/plain', 'not found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    appPageUrl: `${origin}/app.html`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
