import { InvalidParametersError, OutboundPolicy } from '@app/common';
import { has } from './connector';
import { connectorTypes, createConnector, isServiceName } from './registry';

const deps = { outbound: new OutboundPolicy() };

describe('connector registry', () => {
  it('lists every connector once, each with config validation, a factory and traits', () => {
    expect(Object.keys(connectorTypes).sort()).toEqual(['azure', 'box', 'dropbox', 'ftp', 'gdrive', 'local', 's3', 's3_compatible', 'sftp', 'skydrive', 'webdav']);
    for (const type of Object.values(connectorTypes)) {
      expect(typeof type.validateConfig).toBe('function');
      expect(typeof type.create).toBe('function');
      expect(typeof type.traits.features.bucketBased).toBe('boolean');
    }
  });

  it('builds a connector from a raw config, refusing a bad one', () => {
    expect(createConnector('local', { path: '/tmp' }, deps).features.bucketBased).toBe(false);
    expect(() => createConnector('s3', { bucket: 'b' }, deps)).toThrow(InvalidParametersError);
  });

  it('knows service names', () => {
    expect(isServiceName('sftp')).toBe(true);
    expect(isServiceName('dropbox')).toBe(true);
    expect(isServiceName('onedrive')).toBe(false);
    expect(isServiceName('__proto__')).toBe(false);
  });

  it('keeps has() in line with the instances', () => {
    const local = createConnector('local', { path: '/tmp' }, deps);
    expect(connectorTypes.local.traits.has('copy')).toBe(typeof local.copy === 'function');
    expect(connectorTypes.sftp.traits.has('copy')).toBe(false);
    expect(connectorTypes.azure.traits.has('openChunkWriter')).toBe(true);
  });

  it('passes raw through addressByPath for the services with an HTTP API, and declares rawPassthrough with it', () => {
    const s3 = { bucket: 'bucket1', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's' };
    const built = {
      s3: createConnector('s3', s3, deps),
      webdav: createConnector('webdav', { url: 'https://dav.example/files' }, deps),
      azure: createConnector('azure', { container: 'container1', accountName: 'acct', accountKey: 'a2V5' }, deps),
      dropbox: createConnector('dropbox', {}, { ...deps, tokens: { current: async () => 't', refreshAfter: async () => 't' } }),
      local: createConnector('local', { path: '/tmp' }, deps),
    };
    for (const [name, connector] of Object.entries(built)) {
      expect([name, has(connector, 'raw'), connector.features.rawPassthrough]).toEqual([name, name !== 'local', name !== 'local']);
    }
  });
});
