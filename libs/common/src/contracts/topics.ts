/**
 * Every Kafka topic name, in one frozen table. Names are `<owner>.<resource>.<action>`
 * for request-reply calls and `<resource>.<fact>` for events. A shipped value
 * never changes: add a new topic instead.
 */
export const TOPICS = Object.freeze({
  auth: Object.freeze({
    accountCreate: 'auth.account.create',
    accountList: 'auth.account.list',
    accountGet: 'auth.account.get',
    accountDelete: 'auth.account.delete',
    accountCredentials: 'auth.account.credentials',
    tokenIntrospect: 'auth.token.introspect',
    oauthAuthorize: 'auth.oauth.authorize',
    oauthCallback: 'auth.oauth.callback',
    oauthToken: 'auth.oauth.token',
    oauthRefresh: 'auth.oauth.refresh',
    oauthClientSet: 'auth.oauth.client.set',
    oauthClientList: 'auth.oauth.client.list',
    oauthClientDelete: 'auth.oauth.client.delete',
    oauthServices: 'auth.oauth.services',
    oauthFormSubmit: 'auth.oauth.form.submit',
  }),
  connectors: Object.freeze({
    credentialsValidate: 'connectors.credentials.validate',
    folderList: 'connectors.folder.list',
    folderGet: 'connectors.folder.get',
    folderCreate: 'connectors.folder.create',
    fileGet: 'connectors.file.get',
    objectUpdate: 'connectors.object.update',
    objectCopy: 'connectors.object.copy',
    objectDelete: 'connectors.object.delete',
    search: 'connectors.storage.search',
    encodeRawId: 'connectors.id.encode',
    multipartCreate: 'connectors.multipart.create',
    multipartGet: 'connectors.multipart.get',
    multipartComplete: 'connectors.multipart.complete',
    multipartAbort: 'connectors.multipart.abort',
    capabilitiesGet: 'connectors.capabilities.get',
    presign: 'connectors.storage.presign',
    propertiesGet: 'connectors.properties.get',
    propertiesUpdate: 'connectors.properties.update',
    propertiesDelete: 'connectors.properties.delete',
    linkCreate: 'connectors.link.create',
    linkList: 'connectors.link.list',
    linkGet: 'connectors.link.get',
    linkUpdate: 'connectors.link.update',
    linkDelete: 'connectors.link.delete',
    linkResolve: 'connectors.link.resolve',
    eventsList: 'connectors.events.list',
    eventsLatest: 'connectors.events.latest',
    recent: 'connectors.storage.recent',
  }),
  transfer: Object.freeze({
    taskCreate: 'transfer.task.create',
    taskGet: 'transfer.task.get',
    taskList: 'transfer.task.list',
    taskCancel: 'transfer.task.cancel',
    uploadLocationCreate: 'transfer.upload_location.create',
    uploadLocationList: 'transfer.upload_location.list',
    uploadLocationGet: 'transfer.upload_location.get',
    uploadLocationUpdate: 'transfer.upload_location.update',
    uploadLocationDelete: 'transfer.upload_location.delete',
    uploadLocationResolve: 'transfer.upload_location.resolve',
    presignedUploadCreate: 'transfer.presigned_upload.create',
    presignedUploadGet: 'transfer.presigned_upload.get',
    presignedUploadList: 'transfer.presigned_upload.list',
    presignedUploadMark: 'transfer.presigned_upload.mark',
    presignedUploadDelete: 'transfer.presigned_upload.delete',
  }),
  events: Object.freeze({
    accountConnected: 'account.connected',
    accountDeleted: 'account.deleted',
    accountReauthRequired: 'account.reauth_required',
    accountTokenRefreshed: 'account.token_refreshed',
    accountRefreshFailed: 'account.refresh_failed',
    accountRecovered: 'account.recovered',
    fileUploaded: 'file.uploaded',
    fileDeleted: 'file.deleted',
    fileMoved: 'file.moved',
    fileUpdated: 'file.updated',
    folderCreated: 'folder.created',
    subscriptionWatchChanged: 'subscription.watch_changed',
    taskStarted: 'task.started',
    taskProgress: 'task.progress',
    taskCompleted: 'task.completed',
    taskFailed: 'task.failed',
  }),
  webhooks: Object.freeze({
    subscriptionCreate: 'webhooks.subscription.create',
    subscriptionList: 'webhooks.subscription.list',
    subscriptionGet: 'webhooks.subscription.get',
    subscriptionUpdate: 'webhooks.subscription.update',
    subscriptionDelete: 'webhooks.subscription.delete',
    subscriptionRotateSecret: 'webhooks.subscription.rotate_secret',
    subscriptionTest: 'webhooks.subscription.test',
    deliveryList: 'webhooks.delivery.list',
    deliveryRetry: 'webhooks.delivery.retry',
  }),
});

type Values<T> = T extends string ? T : { [K in keyof T]: Values<T[K]> }[keyof T];
export type Topic = Values<typeof TOPICS>;

/** Request-reply topics of one owner, e.g. `requestTopicsOf('auth')`. */
export function requestTopicsOf(owner: 'auth' | 'connectors' | 'transfer' | 'webhooks'): string[] {
  return Object.values(TOPICS[owner]);
}

/** Where a consumer parks a message it cannot process, so it is kept for inspection rather than dropped. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Services that call others over request-reply, each with its own reply topic. */
export const CALLERS = Object.freeze(['gateway', 'auth', 'connectors', 'transfer', 'webhooks'] as const);
export type Caller = (typeof CALLERS)[number];

/**
 * Where the servers answer one calling service: one topic per caller group
 * (not per request topic), each instance of the caller owning some of its
 * partitions and naming one of them in every request.
 */
export function replyTopicOf(caller: Caller): string {
  return `${caller}.replies`;
}

/**
 * Partitions per topic kind. Requests: concurrency within a partition serves
 * the load, so partitions only bound how many instances of the serving service
 * share it. Replies: one per caller instance at most. Events: ordered per key,
 * handled concurrently across keys, so a few more. Dead letters: a trickle.
 */
export const TOPIC_PARTITIONS = Object.freeze({ request: 6, reply: 6, event: 12, deadLetter: 1 });

/** Every topic with its partition count: what the development broker pre-creates and docker/kafka-acls.sh creates. */
export function topicLayout(): Array<{ topic: string; partitions: number }> {
  const requests = [...requestTopicsOf('auth'), ...requestTopicsOf('connectors'), ...requestTopicsOf('transfer'), ...requestTopicsOf('webhooks')];
  const events = Object.values(TOPICS.events);
  const p = TOPIC_PARTITIONS;
  return [
    ...requests.map((topic) => ({ topic, partitions: p.request })),
    ...CALLERS.map((c) => ({ topic: replyTopicOf(c), partitions: p.reply })),
    ...events.map((topic) => ({ topic, partitions: p.event })),
    ...events.map((t) => ({ topic: deadLetterTopic(t), partitions: p.deadLetter })),
  ];
}

/** Every topic name (see topicLayout). */
export function allTopics(): string[] {
  return topicLayout().map((t) => t.topic);
}
