/**
 * Environment variables of the third-party images in docker-compose.yml whose names look like Vigil's
 * (they start with VIGIL_, KAFKA_, SCHEMA_, DATABASE_, QDRANT_, OTEL_, LOG_ or are PORT), by image
 * repository, each with what it does. Anything else with those prefixes must be a key of
 * ENVIRONMENT_VARIABLES (src/config/app-config.ts).
 */
export const THIRD_PARTY_ENVIRONMENT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // The apache/kafka image writes each KAFKA_<NAME> variable into server.properties as <name>
  // (upper case → lower case, _ → .), see the image's docker/README in apache/kafka.
  'apache/kafka': {
    KAFKA_NODE_ID: 'node.id',
    KAFKA_PROCESS_ROLES: 'process.roles (KRaft: broker and controller in one process)',
    KAFKA_LISTENERS: 'listeners',
    KAFKA_ADVERTISED_LISTENERS: 'advertised.listeners',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'listener.security.protocol.map',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'controller.listener.names',
    KAFKA_CONTROLLER_QUORUM_VOTERS: 'controller.quorum.voters',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'inter.broker.listener.name',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 'offsets.topic.replication.factor (one broker)',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 'transaction.state.log.replication.factor (one broker)',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 'transaction.state.log.min.isr (one broker)',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 'group.initial.rebalance.delay.ms',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'auto.create.topics.enable (Vigil creates its topics)',
    KAFKA_LOG_DIRS: 'log.dirs (on the kafka-data volume)',
  },
};

/** Names that look like Vigil's: the prefixes the deployment test checks. */
export const VIGIL_LIKE_NAME =
  /\b(?:(?:VIGIL|KAFKA|SCHEMA|DATABASE|QDRANT|OTEL|LOG)_[A-Z0-9_]*[A-Z0-9]|PORT)\b/g;
