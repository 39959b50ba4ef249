#!/bin/bash
# Creates the topics of nn-staining's event contract (see schemas' Topics registry and docs/consuming.md) on the
# compose stack's broker; existing topics are left as they are. Every topic takes records up to
# 10 MiB (schemas' Topics.MAX_RECORD_BYTES). Environment: BOOTSTRAP, NEURON_PARTITIONS.
set -euo pipefail
topics=/opt/kafka/bin/kafka-topics.sh
for topic in runs trace.epochs trace.batches trace.assembled structures dead-letter; do
  "$topics" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "nnstain.$topic" \
    --partitions 1 --replication-factor 1 --config max.message.bytes=10485760
done
# one partition per layer slot: a layer's neurons always land in the same partition
"$topics" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic nnstain.trace.neurons \
  --partitions "${NEURON_PARTITIONS:-8}" --replication-factor 1 --config max.message.bytes=10485760
"$topics" --bootstrap-server "$BOOTSTRAP" --list
