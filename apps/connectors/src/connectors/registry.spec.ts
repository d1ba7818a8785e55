import { InvalidParametersError, OutboundPolicy } from '@app/common';
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
});
