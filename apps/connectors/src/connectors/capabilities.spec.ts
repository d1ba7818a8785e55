import { CAPABILITY_NAMES, capabilitiesOf, traitsOf } from './capabilities';
import type { Features } from './connector';
import { connectorTypes } from './registry';

const features: Features = { addressing: 'path', bucketBased: false, canHaveEmptyFolders: true, rangedReads: true, checksums: [], rawPassthrough: false };

describe('capabilitiesOf', () => {
  it('names every Kloudless capability as { value: boolean }', () => {
    const caps = capabilitiesOf(traitsOf({ features }));
    expect(Object.keys(caps)).toEqual([...CAPABILITY_NAMES]);
    for (const name of CAPABILITY_NAMES) expect(typeof caps[name].value).toBe('boolean');
  });

  it('derives optional capabilities from the optional methods', () => {
    const bare = capabilitiesOf(traitsOf({ features }));
    expect(bare.can_copy_file.value).toBe(false);
    expect(bare.multipart_uploads_supported_for_files.value).toBe(false);
    expect(bare.can_search_file_name.value).toBe(false);
    expect(bare.can_upload_file.value).toBe(true);
    const full = capabilitiesOf(
      traitsOf({ features, copy: async () => undefined, openChunkWriter: async () => undefined, search: async () => undefined }),
    );
    expect(full.can_copy_file.value).toBe(true);
    expect(full.can_copy_folder.value).toBe(true);
    expect(full.multipart_uploads_supported_for_files.value).toBe(true);
    expect(full.can_search_file_name.value).toBe(true);
  });

  it('reads the registry without an account', () => {
    expect(capabilitiesOf(connectorTypes.s3.traits).multipart_uploads_supported_for_files.value).toBe(true);
    expect(capabilitiesOf(connectorTypes.ftp.traits).can_copy_file.value).toBe(false);
    expect(capabilitiesOf(connectorTypes.webdav.traits).can_copy_file.value).toBe(true);
  });
});
