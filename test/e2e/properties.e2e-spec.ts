import request from 'supertest';
import { connectorsRowsOf, waitUntilNoRows } from './support/connectors-db';
import { twoAppsOnLocalAndS3 } from './support/two-apps';

jest.setTimeout(120_000);

/** App-defined file properties over local disk and S3, and the permissions routes our services cannot serve. */
describe('file properties', () => {
  const { world, services } = twoAppsOnLocalAndS3(21080, {}, 'props');
  const api = () => request(world.stack.gatewayUrl);
  const asA = (req: request.Test) => req.set('Authorization', `APIKey ${world.keyA}`);
  const asB = (req: request.Test) => req.set('Authorization', `APIKey ${world.keyB}`);

  describe.each(services)('on %s', (_name, accountBody) => {
    let account: number;
    let fileId: string;
    const base = () => `/v1/accounts/${account}/storage`;
    const props = (id = fileId) => `${base()}/files/${id}/properties`;
    const upload = (name: string) =>
      asA(api().post(`${base()}/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name, parent_id: 'root' })).set('Content-Type', 'application/octet-stream').send('some bytes').expect(201);
    const current = async () => (await asA(api().get(props())).expect(200)).body.properties as { key: string; value: string; created: string; modified: string }[];

    beforeAll(async () => {
      account = (await asA(api().post('/v1/accounts')).send(accountBody()).expect(201)).body.id;
      fileId = (await upload('report.txt')).body.id;
    });

    it('starts empty, sets, replaces and deletes by null, answering every property with ISO times', async () => {
      expect(await current()).toEqual([]);
      const set = await asA(api().patch(props())).send([{ key: 'color', value: 'blue' }, { key: 'owner', value: 'ana' }]).expect(200);
      expect(set.headers['content-type']).toBe('application/json');
      expect(set.body.properties.map((p: { key: string; value: string }) => [p.key, p.value])).toEqual([['color', 'blue'], ['owner', 'ana']]);
      for (const p of set.body.properties) {
        expect(new Date(p.created).toISOString()).toBe(p.created);
        expect(new Date(p.modified).toISOString()).toBe(p.modified);
      }
      const before = set.body.properties[0];

      const changed = await asA(api().patch(props())).send([{ key: 'color', value: 'green' }, { key: 'owner', value: null }, { key: 'unknown', value: null }]).expect(200);
      expect(changed.body.properties).toHaveLength(1);
      expect(changed.body.properties[0]).toMatchObject({ key: 'color', value: 'green', created: before.created });
      expect(Date.parse(changed.body.properties[0].modified)).toBeGreaterThanOrEqual(Date.parse(before.modified));
      expect(await current()).toEqual(changed.body.properties);
    });

    it('refuses bad bodies with 400 invalid_parameters and changes nothing', async () => {
      const kept = await current();
      const bad: [string, unknown][] = [
        ['an object, not a list', { key: 'a', value: 'b' }],
        ['an empty key', [{ key: '', value: 'x' }]],
        ['a key of 256 characters', [{ key: 'k'.repeat(256), value: 'x' }]],
        ['a number as value', [{ key: 'n', value: 5 }]],
        ['a value of 10,001 characters', [{ key: 'big', value: 'v'.repeat(10_001) }]],
        ['101 keys', Array.from({ length: 101 }, (_, i) => ({ key: `k${i}`, value: 'x' }))],
        // 'color' is already there: 100 new keys would make 101
        ['a change leaving 101 keys', [{ key: 'good', value: 'first' }, ...Array.from({ length: 99 }, (_, i) => ({ key: `k${i}`, value: 'x' }))]],
      ];
      for (const [what, body] of bad) {
        const res = await asA(api().patch(props())).send(body as object).expect(400);
        expect({ what, code: res.body.error_code }).toEqual({ what, code: 'invalid_parameters' });
      }
      expect(await current()).toEqual(kept);
      // exactly at the limit is fine
      await asA(api().patch(props())).send(Array.from({ length: 99 }, (_, i) => ({ key: `k${i}`, value: 'x' }))).expect(200);
      expect(await current()).toHaveLength(100);
    });

    it('DELETE removes them all (204)', async () => {
      await asA(api().delete(props())).expect(204);
      expect(await current()).toEqual([]);
    });

    it('follows a rename, and is gone once the file is deleted through the API', async () => {
      const file = await upload('moving.txt');
      await asA(api().patch(props(file.body.id))).send([{ key: 'stage', value: 'draft' }]).expect(200);
      const renamed = await asA(api().patch(`${base()}/files/${file.body.id}`)).send({ name: 'moved.txt' }).expect(200);
      const after = await asA(api().get(props(renamed.body.id))).expect(200);
      expect(after.body.properties).toEqual([expect.objectContaining({ key: 'stage', value: 'draft' })]);

      await asA(api().delete(`${base()}/files/${renamed.body.id}`)).expect(204);
      await asA(api().get(props(renamed.body.id))).expect(404);
      // A new file at the same path has the same id: it starts bare.
      const again = await asA(api().post(`${base()}/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name: 'moved.txt', parent_id: 'root' })).send('new').expect(201);
      expect(again.body.id).toBe(renamed.body.id);
      expect((await asA(api().get(props(again.body.id))).expect(200)).body.properties).toEqual([]);
    });

    it('goes with its folder when the folder is deleted', async () => {
      const folder = await asA(api().post(`${base()}/folders`)).send({ name: 'box', parent_id: 'root' }).expect(201);
      const inside = await asA(api().post(`${base()}/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name: 'in.txt', parent_id: folder.body.id })).send('x').expect(201);
      await asA(api().patch(props(inside.body.id))).send([{ key: 'k', value: 'v' }]).expect(200);
      await asA(api().delete(`${base()}/folders/${folder.body.id}?recursive=true`)).expect(204);
      const again = await asA(api().post(`${base()}/folders`)).send({ name: 'box', parent_id: 'root' }).expect(201);
      const same = await asA(api().post(`${base()}/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name: 'in.txt', parent_id: again.body.id })).send('y').expect(201);
      expect((await asA(api().get(props(same.body.id))).expect(200)).body.properties).toEqual([]);
    });

    it('answers 404 for a file that does not exist or is a folder', async () => {
      const missing = Buffer.from('no-such-file.txt').toString('base64url');
      await asA(api().get(props(missing))).expect(404);
      await asA(api().patch(props(missing))).send([{ key: 'a', value: 'b' }]).expect(404);
      await asA(api().delete(props(missing))).expect(404);
      await asA(api().get(props('root'))).expect(404);
    });

    it("is out of reach of another app", async () => {
      await asA(api().patch(props())).send([{ key: 'secret', value: 'A only' }]).expect(200);
      const res = await asB(api().get(props())).expect(404);
      expect(res.body.error_code).toBe('not_found');
      await asB(api().patch(props())).send([{ key: 'secret', value: 'B was here' }]).expect(404);
      await asB(api().delete(props())).expect(404);
      expect(await current()).toEqual([expect.objectContaining({ key: 'secret', value: 'A only' })]);
    });

    it('answers the permissions routes with 501 not_implemented (no permissions model), 404 for a missing file', async () => {
      for (const path of [`${base()}/files/${fileId}/permissions`, `${base()}/folders/root/permissions`]) {
        const res = await asA(api().get(path)).expect(501);
        expect(res.body).toMatchObject({ error_code: 'not_implemented', status_code: 501 });
        expect(res.body.message).toMatch(/permissions/);
        await asA(api().patch(path)).send([{ type: 'user', role: 'reader', email: 'a@example.com' }]).expect(501);
        await asA(api().put(path)).send([]).expect(501);
      }
      await asA(api().get(`${base()}/files/${Buffer.from('nope').toString('base64url')}/permissions`)).expect(404);
    });

    it('lists the properties capabilities as supported', async () => {
      const res = await asA(api().get(`/v1/accounts/${account}?retrieve_full=true`)).expect(200);
      expect(res.body.properties.capabilities).toMatchObject({
        can_list_properties: { value: true }, properties_supported_for_files: { value: true }, can_delete_all_properties: { value: true }, permissions_supported_for_files: { value: false },
      });
    });

    it('are removed with the account (the rows too, once connectors has the account.deleted event)', async () => {
      const other = (await asA(api().post('/v1/accounts')).send(accountBody()).expect(201)).body.id;
      const file = await asA(api().post(`/v1/accounts/${other}/storage/files`)).set('X-Kloudless-Metadata', JSON.stringify({ name: 'doomed.txt', parent_id: 'root' })).send('z').expect(201);
      await asA(api().patch(`/v1/accounts/${other}/storage/files/${file.body.id}/properties`)).send([{ key: 'k', value: 'v' }]).expect(200);
      expect(await connectorsRowsOf('file_properties', other)).toBe(1);
      await asA(api().delete(`/v1/accounts/${other}`)).expect(204);
      await asA(api().get(`/v1/accounts/${other}/storage/files/${file.body.id}/properties`)).expect(404);
      expect(await waitUntilNoRows('file_properties', other)).toBe(0);
    });
  });
});
