#!/usr/bin/env bash
# The local real-infrastructure stack: Postgres, ClickHouse 18.16 and Apache Kafka (KRaft), on
# loopback only, no Docker. See deploy/local/README.md.
#
#   deploy/local/stack.sh up       provision what is missing, start what is down, print env lines
#   deploy/local/stack.sh status   one line per component; exit 0 when all run, 3 otherwise
#   deploy/local/stack.sh down     stop what this script started (never the machine's Postgres)
#   deploy/local/stack.sh env      print the env lines of the last successful `up`
#
# Progress goes to stderr, the env lines of `up` to stdout (and to $OPTSCALE_STACK_DIR/stack.env),
# so `eval "$(deploy/local/stack.sh up)"` works. Every wait has a deadline; any component that
# cannot be had fails the run with what failed and where its log is.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
HOST=127.0.0.1
STACK_DIR=${OPTSCALE_STACK_DIR:-/tmp/optscale-stack}
[[ $STACK_DIR == /* ]] || STACK_DIR=$PWD/$STACK_DIR
STACK_DIR=${STACK_DIR%/}
# Ports and heap: the environment, else what the last successful `up` of this state folder used
# (settings.env), else the defaults. So `status`/`up` without variables find a stack that was
# started with other ports.
SETTINGS_FILE=$STACK_DIR/settings.env
SETTINGS_KEYS=(OPTSCALE_PG_PORT OPTSCALE_CH_HTTP_PORT OPTSCALE_CH_TCP_PORT OPTSCALE_KAFKA_PORT
  OPTSCALE_KAFKA_CONTROLLER_PORT OPTSCALE_KAFKA_HEAP OPTSCALE_REDIS_PORT)
if [[ -f $SETTINGS_FILE ]]; then
  while IFS='=' read -r key value; do
    for known in "${SETTINGS_KEYS[@]}"; do
      if [[ $key == "$known" && -z ${!key:-} && $value =~ ^[0-9a-zA-Z]+$ ]]; then
        printf -v "$key" '%s' "$value"
      fi
    done
  done <"$SETTINGS_FILE"
fi
PG_PORT=${OPTSCALE_PG_PORT:-5432}
CH_HTTP_PORT=${OPTSCALE_CH_HTTP_PORT:-18123}
CH_TCP_PORT=${OPTSCALE_CH_TCP_PORT:-19000}
KAFKA_PORT=${OPTSCALE_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${OPTSCALE_KAFKA_CONTROLLER_PORT:-19093}
KAFKA_HEAP=${OPTSCALE_KAFKA_HEAP:-512m}
REDIS_PORT=${OPTSCALE_REDIS_PORT:-6379}
WAIT_S=${OPTSCALE_STACK_WAIT_S:-60}
PG_DATABASES=(optscale optscale_test)
KAFKA_PROBE_TOPIC=optscale.stack.probe

# ---------------------------------------------------------------------------------------------
# helpers

log() { printf 'stack: %s\n' "$*" >&2; }
die() {
  printf 'stack: ERROR: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
now_ms() { date +%s%3N; }
since() { # since <start_ms> -> "1.2s"
  local ms=$(($(now_ms) - $1))
  printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}
# Show the end of a log file on stderr (what failed is usually in the last lines). <file> may be
# several files joined with ':'; each non-empty one is shown.
show_log() { # show_log <file[:file...]> [lines]
  local f
  for f in ${1//:/ }; do
    [[ -s $f ]] || continue
    echo "  --- $f" >&2
    tail -n "${2:-12}" "$f" | cut -c1-240 | sed 's/^/  | /' >&2
  done
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

# Fail when a port we are about to bind is taken by something that is not ours.
require_free_port() { # require_free_port <port> <what>
  if port_open "$1"; then
    local who=''
    have ss && who=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -n 1 || true)
    die "$2: port $HOST:$1 is already in use by another process ${who:+($who)}; stop it or choose another port (see README)"
  fi
}

# wait_for <seconds> <what> <log file> <pid or -> <command...>: poll every 0.2 s until the command
# succeeds; fail at the deadline, or at once when the process we started has died.
wait_for() {
  local limit=$1 what=$2 logf=$3 pid=$4
  shift 4
  local deadline=$(($(date +%s) + limit))
  until "$@"; do
    if [[ $pid != - ]] && ! kill -0 "$pid" 2>/dev/null; then
      show_log "$logf" 20
      die "$what: the process exited during startup (log: $logf)"
    fi
    if (($(date +%s) >= deadline)); then
      show_log "$logf" 20
      die "$what: not ready after ${limit}s (log: $logf)"
    fi
    sleep 0.2
  done
}

# Run a command as root: directly, or through passwordless sudo; never prompts. Without the lock
# fd (9): a daemon started by it (a package's postinst, pg_ctlcluster) must not inherit the lock.
as_root() {
  if ((EUID == 0)); then
    "$@" 9>&-
  elif have sudo && sudo -n true 2>/dev/null; then
    sudo -n "$@" 9>&-
  else
    die "needs root (or passwordless sudo) to run: $*"
  fi
}

# apt_install <package...>: non-interactive; runs `apt-get update` first when a package has no
# install candidate, and once more on failure (stale lists). Output goes to apt.log.
apt_install() {
  local logf=$STACK_DIR/apt.log
  have apt-get || die "cannot install $* here: no apt-get (install them by hand)"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=120)
  local t0 need_update=0 pkg policy
  t0=$(now_ms)
  for pkg in "$@"; do
    # (captured, not piped into grep -q: that would SIGPIPE apt-cache and trip pipefail)
    policy=$(apt-cache policy "$pkg" 2>/dev/null || true)
    [[ $policy == *"Candidate: "[0-9]* ]] || need_update=1
  done
  if ((need_update)); then
    log "apt-get update (a package has no install candidate yet)"
    as_root "${apt[@]}" update >>"$logf" 2>&1 || {
      show_log "$logf"
      die "apt-get update failed (log: $logf)"
    }
  fi
  log "apt-get install $*"
  if ! as_root "${apt[@]}" install --no-install-recommends "$@" >>"$logf" 2>&1; then
    log "apt-get install failed; apt-get update and one retry"
    as_root "${apt[@]}" update >>"$logf" 2>&1 || true
    as_root "${apt[@]}" install --no-install-recommends "$@" >>"$logf" 2>&1 || {
      show_log "$logf"
      die "apt-get install $* failed (log: $logf)"
    }
  fi
  log "installed $* in $(since "$t0")"
}

# Is <pid file>'s process alive and ours? (its command line names our state folder, so a pid
# reused after a reboot does not count)
alive() { # alive <pid file>
  local pid cmdline
  [[ -f $1 ]] || return 1
  pid=$(cat "$1")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$STACK_DIR/"* ]]
}

# stop_pid <pid file> <what> <grace seconds>: SIGTERM, wait, then SIGKILL.
stop_pid() {
  local pidf=$1 what=$2 grace=$3 pid deadline
  if ! alive "$pidf"; then
    rm -f "$pidf"
    log "$what: not running"
    return 0
  fi
  pid=$(cat "$pidf")
  kill "$pid" 2>/dev/null || true
  deadline=$(($(date +%s) + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if (($(date +%s) >= deadline)); then
      log "$what: still running after ${grace}s, sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.2
  done
  rm -f "$pidf"
  log "$what: stopped (pid $pid)"
}

# A running component must be on the port asked for; never report one port and serve another.
running_port() { # running_port <config file> <sed pattern with one group> <what> <wanted port>
  local port
  port=$(sed -n "s#.*$2.*#\\1#p" "$1" 2>/dev/null || true)
  port=${port%%$'\n'*}
  [[ -z $port || $port == "$4" ]] ||
    die "$3 in $STACK_DIR is running on port $port, not $4: run 'stack.sh down' first (or use port $port)"
}

# Start a long-running process detached from this shell (own session, no stdin), log to a file.
start_detached() { # start_detached <pid file> <log file> <command...>
  local pidf=$1 logf=$2
  shift 2
  # 9>&-: the child must not inherit the lock (flock on fd 9) or it would hold it for its lifetime.
  setsid "$@" >>"$logf" 2>&1 </dev/null 9>&- &
  echo $! >"$pidf"
}

# ---------------------------------------------------------------------------------------------
# Postgres: the machine's server; started (or installed) only when it does not answer.

PG_DIR=$STACK_DIR/postgres
PG_LOG=$PG_DIR/postgres.log
PG_STATUS=''

pg_ready() { pg_isready -q -h "$HOST" -p "$PG_PORT" -t 2; }
pg_cluster_version() {
  [[ -d /etc/postgresql ]] || return 0
  find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1
}
psql_q() { psql -X -q -w -h "$HOST" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }
pg_login() { psql_q -d postgres -tAc 'select 1' >/dev/null 2>&1; }

# The started-by-stack marker outlives a reboot; if the server running now started after the
# marker was written, something else (the machine's init) started it: forget the marker.
pg_forget_stale_marker() {
  local marker=$PG_DIR/started-by-stack started
  [[ -f $marker ]] || return 0
  started=$(psql_q -d postgres -tAc 'select extract(epoch from pg_postmaster_start_time())::bigint' 2>/dev/null) || return 0
  if [[ $started =~ ^[0-9]+$ ]] && ((started > $(stat -c %Y "$marker") + 5)); then
    rm -f "$marker"
  fi
}

pg_up() {
  local t0 how='machine server' installed=0 ver out
  t0=$(now_ms)
  mkdir -p "$PG_DIR"
  if ! have pg_isready || ! have psql; then
    if port_open "$PG_PORT"; then apt_install postgresql-client; else
      apt_install postgresql
      installed=1
    fi
  fi
  if pg_ready; then
    pg_forget_stale_marker
  else
    ver=$(pg_cluster_version)
    if [[ -z $ver ]]; then
      apt_install postgresql
      installed=1
      ver=$(pg_cluster_version)
      [[ -n $ver ]] || die "postgres: installed, but no cluster under /etc/postgresql"
    fi
    [[ -d /etc/postgresql/$ver/main ]] ||
      die "postgres: no cluster 'main' for PostgreSQL $ver (create one: pg_createcluster $ver main)"
    log "postgres: not answering on $HOST:$PG_PORT, starting cluster $ver/main"
    if ! as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start >>"$PG_LOG" 2>&1; then
      have pg_lsclusters && pg_lsclusters >>"$PG_LOG" 2>&1
      show_log "$PG_LOG"
      die "postgres: pg_ctlcluster $ver main start failed (log: $PG_LOG)"
    fi
    echo "$ver" >"$PG_DIR/started-by-stack"
    ((installed)) && echo "$ver" >"$PG_DIR/installed-by-stack"
    how="started $ver/main"
    wait_for "$WAIT_S" "postgres ($HOST:$PG_PORT)" "$PG_LOG" - pg_ready
  fi
  # Trust auth on loopback is the contract (DATABASE_URL has no password).
  if ! out=$(psql_q -d postgres -tAc 'select 1' 2>&1); then
    ver=$(pg_cluster_version)
    if [[ $out == *password* && -f $PG_DIR/installed-by-stack && -f /etc/postgresql/$ver/main/pg_hba.conf ]]; then
      log "postgres: enabling trust auth on loopback for the cluster this script installed"
      as_root sed -i '1i host all all 127.0.0.1/32 trust # optscale local stack\nhost all all ::1/128 trust # optscale local stack' \
        "/etc/postgresql/$ver/main/pg_hba.conf"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload >>"$PG_LOG" 2>&1 ||
        die "postgres: pg_ctlcluster $ver main reload failed (log: $PG_LOG)"
      wait_for 10 "postgres (trust auth)" "$PG_LOG" - pg_login
    else
      die "postgres: cannot connect as postgres@$HOST:$PG_PORT without a password: $out (the stack expects trust auth on loopback: 'host all all 127.0.0.1/32 trust' in pg_hba.conf)"
    fi
  fi
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [[ -z $(psql_q -d postgres -tAc "select 1 from pg_database where datname = '$db'") ]]; then
      psql_q -d postgres -c "create database $db" >/dev/null || die "postgres: could not create database $db"
      log "postgres: created database $db"
    fi
  done
  local version
  version=$(psql_q -d postgres -tAc 'show server_version' | cut -d' ' -f1)
  [[ -f $PG_DIR/started-by-stack ]] && how="started by stack"
  PG_STATUS="postgres    ready  $HOST:$PG_PORT  PostgreSQL $version ($how)  $(since "$t0")"
}

pg_status() {
  if have pg_isready && pg_ready; then
    local who='machine server'
    [[ -f $PG_DIR/started-by-stack ]] && who='started by stack'
    echo "postgres    running  $HOST:$PG_PORT ($who)"
  else
    echo "postgres    down     $HOST:$PG_PORT"
    return 1
  fi
}

pg_down() {
  if [[ -f $PG_DIR/started-by-stack ]]; then
    local ver
    ver=$(cat "$PG_DIR/started-by-stack")
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main stop >>"$PG_LOG" 2>&1 ||
      log "postgres: pg_ctlcluster $ver main stop failed (log: $PG_LOG)"
    rm -f "$PG_DIR/started-by-stack"
    log "postgres: stopped cluster $ver/main (this script had started it)"
  else
    log "postgres: left alone (the machine's server; this script did not start it)"
  fi
}

# ---------------------------------------------------------------------------------------------
# ClickHouse 18.16 (Debian's package), a plain background process with its own config.

CH_DIR=$STACK_DIR/clickhouse
CH_PID=$CH_DIR/clickhouse.pid
CH_OUT=$CH_DIR/log/stdout.log
CH_STATUS=''

ch_bin() {
  if have clickhouse-server; then command -v clickhouse-server; elif [[ -x /usr/sbin/clickhouse-server ]]; then
    echo /usr/sbin/clickhouse-server
  else return 1; fi
}
ch_query() { curl -fsS --max-time 5 "http://$HOST:$CH_HTTP_PORT/" --data-binary "$1"; }
ch_ready() { [[ $(ch_query 'SELECT 1' 2>/dev/null) == 1 ]]; }

ch_write_config() {
  mkdir -p "$CH_DIR"/{data,tmp,user_files,format_schemas,log}
  cat >"$CH_DIR/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by deploy/local/stack.sh on every start; edits here are lost. ClickHouse 18.16 syntax. -->
<yandex>
  <logger>
    <level>warning</level>
    <log>$CH_DIR/log/clickhouse-server.log</log>
    <errorlog>$CH_DIR/log/clickhouse-server.err.log</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>$HOST</listen_host>
  <http_port>$CH_HTTP_PORT</http_port>
  <tcp_port>$CH_TCP_PORT</tcp_port>
  <path>$CH_DIR/data/</path>
  <tmp_path>$CH_DIR/tmp/</tmp_path>
  <user_files_path>$CH_DIR/user_files/</user_files_path>
  <format_schema_path>$CH_DIR/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_table_size_to_drop>0</max_table_size_to_drop>
  <max_partition_size_to_drop>0</max_partition_size_to_drop>
</yandex>
EOF
  cat >"$CH_DIR/users.xml" <<'EOF'
<?xml version="1.0"?>
<!-- Written by deploy/local/stack.sh. One passwordless user, reachable from loopback only. -->
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <use_uncompressed_cache>0</use_uncompressed_cache>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>127.0.0.1</ip>
        <ip>::1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
EOF
}

ch_up() {
  local t0 how='already running' bin version
  t0=$(now_ms)
  mkdir -p "$CH_DIR/log"
  if ! ch_bin >/dev/null || ! have clickhouse-client; then
    apt_install clickhouse-server clickhouse-client
  fi
  have curl || apt_install curl
  bin=$(ch_bin) || die "clickhouse: clickhouse-server is not on this machine after installing it"
  if alive "$CH_PID"; then
    running_port "$CH_DIR/config.xml" '<http_port>\([0-9]*\)<' clickhouse "$CH_HTTP_PORT"
  else
    require_free_port "$CH_HTTP_PORT" "clickhouse (http)"
    require_free_port "$CH_TCP_PORT" "clickhouse (native)"
    ch_write_config
    start_detached "$CH_PID" "$CH_OUT" "$bin" --config-file="$CH_DIR/config.xml"
    how='started'
  fi
  wait_for "$WAIT_S" "clickhouse ($HOST:$CH_HTTP_PORT)" "$CH_DIR/log/clickhouse-server.err.log:$CH_OUT" \
    "$(cat "$CH_PID")" ch_ready
  version=$(ch_query 'SELECT version()')
  CH_STATUS="clickhouse  ready  http://$HOST:$CH_HTTP_PORT (native $CH_TCP_PORT)  ClickHouse $version ($how)  $(since "$t0")"
}

ch_status() {
  if alive "$CH_PID" && ch_ready; then
    echo "clickhouse  running  http://$HOST:$CH_HTTP_PORT (native $CH_TCP_PORT, pid $(cat "$CH_PID"))"
  elif alive "$CH_PID"; then
    echo "clickhouse  starting (pid $(cat "$CH_PID"), not answering yet)"
    return 1
  else
    echo "clickhouse  down"
    return 1
  fi
}

ch_down() { stop_pid "$CH_PID" clickhouse 20; }

# ---------------------------------------------------------------------------------------------
# Kafka (KRaft combined broker+controller, one node) from Maven Central jars, machine's Java 17+.

KAFKA_DIR=$STACK_DIR/kafka
KAFKA_PID=$KAFKA_DIR/kafka.pid
KAFKA_LOGS=$KAFKA_DIR/logs
KAFKA_STATUS=''

java_major() {
  java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

kafka_libs() {
  local sum
  sum=$(sha256sum "$HERE/pom.xml" | cut -c1-64)
  if [[ -f $KAFKA_DIR/libs/.pom.sha256 && $(cat "$KAFKA_DIR/libs/.pom.sha256") == "$sum" ]]; then
    return 0
  fi
  if alive "$KAFKA_PID"; then
    log "kafka: pom.xml changed, stopping the running broker to swap its jars"
    kafka_down
  fi
  have mvn || apt_install maven
  local t0
  t0=$(now_ms)
  log "kafka: resolving jars from Maven Central (deploy/local/pom.xml)"
  rm -rf "$KAFKA_DIR/libs.tmp"
  if ! mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_DIR/libs.tmp" >"$KAFKA_DIR/mvn.log" 2>&1 </dev/null; then
    show_log "$KAFKA_DIR/mvn.log"
    die "kafka: mvn dependency:copy-dependencies failed (log: $KAFKA_DIR/mvn.log)"
  fi
  ls "$KAFKA_DIR"/libs.tmp/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka: no kafka_2.13 jar after mvn (log: $KAFKA_DIR/mvn.log)"
  echo "$sum" >"$KAFKA_DIR/libs.tmp/.pom.sha256"
  rm -rf "$KAFKA_DIR/libs"
  mv "$KAFKA_DIR/libs.tmp" "$KAFKA_DIR/libs"
  log "kafka: $(find "$KAFKA_DIR/libs" -name '*.jar' | wc -l) jars in $(since "$t0")"
}

kafka_version() { find "$KAFKA_DIR/libs" -name 'kafka_2.13-*.jar' -printf '%f\n' | sed 's/^kafka_2.13-//; s/\.jar$//'; }

kafka_write_config() {
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_LOGS"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by deploy/local/stack.sh on every start; edits here are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
# After a hard kill the old broker registration blocks the new one until its session times out
# (default 9 s); a single local node can afford a short session.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=2500
num.network.threads=2
num.io.threads=4
log.retention.hours=24
EOF
  cat >"$KAFKA_DIR/log4j2.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <RollingFile name="server" fileName="$KAFKA_LOGS/server.log" filePattern="$KAFKA_LOGS/server.log.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="50 MB"/></Policies>
      <DefaultRolloverStrategy max="2"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Logger name="kafka" level="info"/>
    <Logger name="org.apache.kafka" level="info"/>
    <Logger name="state.change.logger" level="warn"/>
    <Logger name="kafka.request.logger" level="warn"/>
    <Root level="info"><AppenderRef ref="server"/></Root>
  </Loggers>
</Configuration>
EOF
}

kafka_format() {
  [[ -f $KAFKA_DIR/data/meta.properties ]] && return 0
  local cid
  [[ -s $KAFKA_DIR/cluster.id ]] ||
    java -cp "$KAFKA_DIR/libs/*" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_DIR/format.log" >"$KAFKA_DIR/cluster.id" ||
    die "kafka: StorageTool random-uuid failed (log: $KAFKA_DIR/format.log)"
  cid=$(tail -n 1 "$KAFKA_DIR/cluster.id")
  if ! java -cp "$KAFKA_DIR/libs/*" -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.xml" -Dkafka.logs.dir="$KAFKA_LOGS" \
    kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_DIR/server.properties" >>"$KAFKA_DIR/format.log" 2>&1; then
    show_log "$KAFKA_DIR/format.log"
    die "kafka: storage format failed (log: $KAFKA_DIR/format.log)"
  fi
  log "kafka: formatted storage (cluster id $cid)"
}

# Ready = the broker answers the admin API and can create a topic with a leader (kafkajs from the
# repo's node_modules). Exit 2 = no node/kafkajs here.
kafka_probe() {
  have node || return 2
  KAFKA_BROKERS="$HOST:$KAFKA_PORT" PROBE_TOPIC=$KAFKA_PROBE_TOPIC REPO_ROOT=$REPO_ROOT PROBE_MS=$((WAIT_S * 1000)) \
    node - <<'JS'
let kafkajs;
try {
  kafkajs = require(require.resolve('kafkajs', { paths: [process.env.REPO_ROOT] }));
} catch {
  process.exit(2);
}
const { Kafka, logLevel } = kafkajs;
const topic = process.env.PROBE_TOPIC;
const timer = setTimeout(() => {
  console.error(`kafka probe: no answer within ${process.env.PROBE_MS} ms`);
  process.exit(1);
}, Number(process.env.PROBE_MS));
(async () => {
  const kafka = new Kafka({
    clientId: 'optscale-stack-probe',
    brokers: [process.env.KAFKA_BROKERS],
    logLevel: logLevel.NOTHING,
    retry: { retries: 100, initialRetryTime: 100, maxRetryTime: 500 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const partition = meta.topics[0] && meta.topics[0].partitions[0];
  if (!partition || partition.leader < 0) throw new Error(`topic ${topic} has no leader`);
  await admin.disconnect();
  clearTimeout(timer);
})().catch((error) => {
  console.error(`kafka probe: ${error.message}`);
  process.exit(1);
});
JS
}

kafka_up() {
  local t0 how='already running' major pid
  t0=$(now_ms)
  mkdir -p "$KAFKA_LOGS"
  major=''
  have java && major=$(java_major || true)
  if [[ -z $major || $major -lt 17 ]]; then
    apt_install openjdk-17-jre-headless
    major=$(java_major || true)
    [[ -n $major && $major -ge 17 ]] || die "kafka: needs Java 17+, found '${major:-none}' on PATH"
  fi
  kafka_libs
  if alive "$KAFKA_PID"; then
    running_port "$KAFKA_DIR/server.properties" 'listeners=PLAINTEXT://[^:]*:\([0-9]*\),' kafka "$KAFKA_PORT"
  else
    require_free_port "$KAFKA_PORT" "kafka (broker)"
    require_free_port "$KAFKA_CONTROLLER_PORT" "kafka (controller)"
    kafka_write_config
    kafka_format
    start_detached "$KAFKA_PID" "$KAFKA_LOGS/kafka.out" \
      java -Xms128m -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true -Dkafka.logs.dir="$KAFKA_LOGS" -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.xml" \
      -cp "$KAFKA_DIR/libs/*" kafka.Kafka "$KAFKA_DIR/server.properties"
    how='started'
  fi
  pid=$(cat "$KAFKA_PID")
  wait_for "$WAIT_S" "kafka ($HOST:$KAFKA_PORT)" "$KAFKA_LOGS/server.log" "$pid" port_open "$KAFKA_PORT"
  local rc=0
  kafka_probe 2>>"$KAFKA_LOGS/probe.log" || rc=$?
  case $rc in
    0) ;;
    2)
      log "kafka: node/kafkajs not available (run npm install at the repo root); checking the server log instead"
      wait_for "$WAIT_S" "kafka (server start)" "$KAFKA_LOGS/server.log" "$pid" grep -q 'Kafka Server started' "$KAFKA_LOGS/server.log"
      ;;
    *)
      show_log "$KAFKA_LOGS/probe.log" 5
      show_log "$KAFKA_LOGS/server.log"
      die "kafka: broker on $HOST:$KAFKA_PORT did not accept a topic (logs: $KAFKA_LOGS)"
      ;;
  esac
  KAFKA_STATUS="kafka       ready  $HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)  Kafka $(kafka_version) KRaft ($how)  $(since "$t0")"
}

kafka_status() {
  if alive "$KAFKA_PID" && port_open "$KAFKA_PORT"; then
    echo "kafka       running  $HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT, pid $(cat "$KAFKA_PID"))"
  elif alive "$KAFKA_PID"; then
    echo "kafka       starting (pid $(cat "$KAFKA_PID"), port $KAFKA_PORT not open yet)"
    return 1
  else
    echo "kafka       down"
    return 1
  fi
}

kafka_down() { stop_pid "$KAFKA_PID" kafka 30; }

# ---------------------------------------------------------------------------------------------
# Redis (the gateways' shared budget counters): the machine's server when one answers; otherwise
# redis-server from Debian, started here without persistence (counters are rebuilt from the
# published spend, ADR 0008).

REDIS_DIR=$STACK_DIR/redis
REDIS_PID=$REDIS_DIR/redis.pid
REDIS_LOG=$REDIS_DIR/redis.log
REDIS_STATUS=''

redis_ready() { [[ $(timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$REDIS_PORT; printf 'PING\r\n' >&3; head -c 5 <&3" 2>/dev/null) == '+PONG' ]]; }
# Ours only if the pid file's process is still alive (redis-server rewrites its process title).
redis_ours() { [[ -f $REDIS_PID ]] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null; }

redis_up() {
  if redis_ready; then
    REDIS_STATUS="redis running on $HOST:$REDIS_PORT ($(redis_ours && echo 'started by stack' || echo 'machine server'))"
    return
  fi
  require_free_port "$REDIS_PORT" redis
  have redis-server || apt_install redis-server
  mkdir -p "$REDIS_DIR"
  local t0
  t0=$(now_ms)
  start_detached "$REDIS_PID" "$REDIS_LOG" redis-server --bind "$HOST" --port "$REDIS_PORT" \
    --save '' --appendonly no --dir "$REDIS_DIR"
  wait_for "$WAIT_S" redis "$REDIS_LOG" "$(cat "$REDIS_PID")" redis_ready
  REDIS_STATUS="redis started on $HOST:$REDIS_PORT in $(since "$t0")"
}

redis_status() {
  if redis_ready; then
    echo "redis       running  $HOST:$REDIS_PORT ($(redis_ours && echo 'started by stack' || echo 'machine server'))"
  else
    echo "redis       down     $HOST:$REDIS_PORT"
    return 1
  fi
}

redis_down() {
  if redis_ours; then
    kill "$(cat "$REDIS_PID")" 2>/dev/null || true
  fi
  rm -f "$REDIS_PID"
}

# ---------------------------------------------------------------------------------------------

env_lines() {
  cat <<EOF
DATABASE_URL=postgres://postgres@$HOST:$PG_PORT/optscale
TEST_DATABASE_URL=postgres://postgres@$HOST:$PG_PORT/optscale_test
CLICKHOUSE_URL=http://$HOST:$CH_HTTP_PORT
KAFKA_BROKERS=$HOST:$KAFKA_PORT
REDIS_URL=redis://$HOST:$REDIS_PORT
EOF
}

# One `up`/`down` at a time per state folder (parallel CI jobs, two terminals).
lock() {
  have flock || return 0
  exec 9>"$STACK_DIR/.lock"
  flock -w 300 9 || die "another stack.sh holds $STACK_DIR/.lock for more than 300s"
}

cmd_up() {
  local t0
  t0=$(now_ms)
  lock
  rm -f "$STACK_DIR/stack.env"
  pg_up
  log "$PG_STATUS"
  ch_up
  log "$CH_STATUS"
  kafka_up
  log "$KAFKA_STATUS"
  redis_up
  log "$REDIS_STATUS"
  local key
  for key in "${SETTINGS_KEYS[@]}"; do
    if [[ -n ${!key:-} ]]; then echo "$key=${!key}"; fi
  done >"$SETTINGS_FILE"
  env_lines >"$STACK_DIR/stack.env.tmp"
  mv "$STACK_DIR/stack.env.tmp" "$STACK_DIR/stack.env"
  log "up in $(since "$t0"); env in $STACK_DIR/stack.env"
  cat "$STACK_DIR/stack.env"
}

cmd_down() {
  lock
  redis_down
  kafka_down
  ch_down
  pg_down
  rm -f "$STACK_DIR/stack.env"
}

cmd_status() {
  local rc=0
  echo "state folder $STACK_DIR"
  pg_status || rc=3
  ch_status || rc=3
  kafka_status || rc=3
  redis_status || rc=3
  return "$rc"
}

cmd_env() {
  [[ -f $STACK_DIR/stack.env ]] || die "no $STACK_DIR/stack.env: run deploy/local/stack.sh up"
  cat "$STACK_DIR/stack.env"
}

main() {
  local cmd=${1:-}
  case $cmd in
    up | down | status | env) ;;
    *)
      echo "usage: $0 up|down|status|env   (state folder: \${OPTSCALE_STACK_DIR:-/tmp/optscale-stack})" >&2
      exit 64
      ;;
  esac
  mkdir -p "$STACK_DIR"
  "cmd_$cmd"
}

main "$@"
