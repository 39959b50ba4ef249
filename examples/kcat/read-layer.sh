#!/usr/bin/env bash
# Reads one layer's NeuronSnapshots with kcat (Debian package kcat): the neurons topic is partitioned by layer
# (partition = layer index mod partition count, 8 by default), so a layer is one partition. Prints each record's
# key, its network signature E_<epoch>/L_<layer>/n_<neuron>, one per line, from the beginning to the current end.
#
#   examples/kcat/read-layer.sh LAYER_INDEX [BOOTSTRAP] [PREFIX]
#   examples/kcat/read-layer.sh 1 127.0.0.1:19092 | grep -c '/L_hidden_1/'
set -euo pipefail
layer="${1:?usage: read-layer.sh LAYER_INDEX [BOOTSTRAP] [PREFIX]}"
bootstrap="${2:-127.0.0.1:19092}"
prefix="${3:-nnstain.}"
partitions="${NEURON_PARTITIONS:-8}"
exec kcat -b "$bootstrap" -C -t "${prefix}trace.neurons" -p $((layer % partitions)) -o beginning -e -q -f '%k\n'
