import { CreateMultipartSessions1763900000000 } from './1763900000000-create-multipart-sessions';
import { MultipartUploadState1764200000000 } from './1764200000000-multipart-upload-state';
import { PropertiesAndLinks1765100000000 } from './1765100000000-properties-and-links';
import { ChangeFeed1765300000000 } from './1765300000000-change-feed';

/** Every migration of the connectors schema, oldest first. */
export const connectorsMigrations = [CreateMultipartSessions1763900000000, MultipartUploadState1764200000000, PropertiesAndLinks1765100000000, ChangeFeed1765300000000];
