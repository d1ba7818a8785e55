import { DataSource } from 'typeorm';
import { databaseOptions } from '@app/common';
import { authMigrations } from '../../apps/auth/src/migrations';
import { AccountEntity } from '../../apps/auth/src/accounts/account.entity';
import { AccessTokenEntity } from '../../apps/auth/src/tokens/access-token.entity';
import { OAuthCodeEntity } from '../../apps/auth/src/oauth/oauth-code.entity';
import { OAuthStateEntity } from '../../apps/auth/src/oauth/oauth-state.entity';
import { connectorsMigrations } from '../../apps/connectors/src/migrations';
import { LinkEntity } from '../../apps/connectors/src/links/link.entity';
import { MultipartSessionEntity } from '../../apps/connectors/src/multipart/multipart-session.entity';
import { FilePropertyEntity } from '../../apps/connectors/src/properties/file-property.entity';
import { ApiKeyEntity } from '../../apps/gateway/src/apps/api-key.entity';
import { AppEntity } from '../../apps/gateway/src/apps/app.entity';
import { RedirectUriEntity } from '../../apps/gateway/src/apps/redirect-uri.entity';
import { gatewayMigrations } from '../../apps/gateway/src/migrations';
import { transferMigrations } from '../../apps/transfer/src/migrations';
import { TaskEntity } from '../../apps/transfer/src/tasks/task.entity';
import { AttemptEntity } from '../../apps/webhooks/src/deliveries/attempt.entity';
import { DeliveryEntity } from '../../apps/webhooks/src/deliveries/delivery.entity';
import { EventEntity } from '../../apps/webhooks/src/events/event.entity';
import { webhooksMigrations } from '../../apps/webhooks/src/migrations';
import { SubscriptionEntity } from '../../apps/webhooks/src/subscriptions/subscription.entity';

const services: [string, Function[], Function[]][] = [
  ['gateway', [AppEntity, ApiKeyEntity, RedirectUriEntity], gatewayMigrations],
  ['auth', [AccountEntity, AccessTokenEntity, OAuthStateEntity, OAuthCodeEntity], authMigrations],
  ['connectors', [MultipartSessionEntity, FilePropertyEntity, LinkEntity], connectorsMigrations],
  ['transfer', [TaskEntity], transferMigrations],
  ['webhooks', [SubscriptionEntity, EventEntity, DeliveryEntity, AttemptEntity], webhooksMigrations],
];

/** Entities and migrations describe the same tables: after migrating, TypeORM finds nothing to change. */
describe.each(services)('%s schema', (schema, entities, migrations) => {
  it('has no drift between its entities and its migrations', async () => {
    const db = new DataSource(
      databaseOptions({ url: `postgres://svc_${schema}:svc_${schema}@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}`, schema, entities, migrations }),
    );
    await db.initialize();
    try {
      await db.runMigrations();
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
