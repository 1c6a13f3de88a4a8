# Sourced by scripts/run and scripts/bench: starts Redis, the simulator, the worker and the api on
# loopback and stops them again. Expects: root, bin, run_dir, api_port, sim_port, redis_port;
# service_bin (optional) is where imagegen-api and imagegen-worker come from instead of bin.
pids=()

# Stops the given pids with SIGTERM and waits for them, SIGKILL after `grace` seconds.
stop_pids() { # grace pid...
  local grace=$1
  shift
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 $((grace * 20))); do
    local alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.05
  done
  for pid in "$@"; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

# In reverse order of start: the api and the worker drain their in-flight requests and jobs,
# which needs Redis and the simulator still up (stopped together, the api would hold each
# waiting request until its wait bound, 2 minutes by default, with no completion coming).
stop_stack() {
  local n=${#pids[@]}
  if [ "$n" -ge 4 ]; then
    stop_pids 30 "${pids[3]}" "${pids[2]}"
    stop_pids 10 "${pids[1]}"
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    stop_pids 10 "${pids[0]}"
  elif [ "$n" -gt 0 ]; then
    stop_pids 10 "${pids[@]}"
  fi
  pids=()
}

wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1; see $run_dir/logs" >&2
  return 1
}

# BENCH_REDIS_ARGS (scripts/bench): more redis-server options, e.g. to weigh a setting.
start_stack() {
  mkdir -p "$run_dir/redis" "$run_dir/images" "$run_dir/logs"
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$run_dir/redis" --appendonly yes \
    --maxmemory-policy noeviction --save '' --hash-max-listpack-value 1024 --daemonize no \
    ${BENCH_REDIS_ARGS:-} >"$run_dir/logs/redis.log" 2>&1 &
  pids+=($!)
  wait_port "$redis_port"

  export IMAGEGEN_REDIS_URL="redis://127.0.0.1:$redis_port/0"
  export IMAGEGEN_CATALOG="$root/config/models.json"
  export IMAGEGEN_PROVIDER_BASE_URL="http://127.0.0.1:$sim_port"
  # Every provider points at the simulator; its keys are placeholders (Kling's are the sim's defaults).
  export GEMINI_API_KEY=sim-key OPENAI_API_KEY=sim-key BFL_API_KEY=sim-key MIDJOURNEY_API_KEY=sim-key \
    RUNWAY_API_KEY=sim-key XAI_API_KEY=sim-key BYTEPLUS_API_KEY=sim-key OPENROUTER_API_KEY=sim-key \
    DASHSCOPE_API_KEY=sim-key KLING_ACCESS_KEY=sim-kling-access KLING_SECRET_KEY=sim-kling-secret

  "$bin/imagegen-sim" --port "$sim_port" ${SIM_ARGS:-} >"$run_dir/logs/sim.log" 2>&1 &
  pids+=($!)
  # BENCH_MALLOC_CONF (scripts/bench): jemalloc options for the api and the worker only.
  local malloc_env=(${BENCH_MALLOC_CONF:+env "MALLOC_CONF=$BENCH_MALLOC_CONF"})
  IMAGEGEN_STORAGE="local:$run_dir/images" IMAGEGEN_METRICS_PORT=${WORKER_METRICS_PORT:-9101} \
    "${malloc_env[@]}" "${service_bin:-$bin}/imagegen-worker" >"$run_dir/logs/worker.log" 2>&1 &
  pids+=($!)
  IMAGEGEN_API_HOST=127.0.0.1 IMAGEGEN_API_PORT=$api_port IMAGEGEN_METRICS_PORT=${API_METRICS_PORT:-9100} \
    "${malloc_env[@]}" "${service_bin:-$bin}/imagegen-api" >"$run_dir/logs/api.log" 2>&1 &
  pids+=($!)
  wait_port "$sim_port"
  wait_port "$api_port"
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$api_port/readyz" >/dev/null && return 0
    sleep 0.05
  done
  echo "imagegen-api never became ready; see $run_dir/logs" >&2
  return 1
}

# Prints {"userId":...,"apiKey":...}
create_user() {
  "$bin/imagegen-admin" user create --tier "$1" --credits "$2" --json
}

json_field() {
  sed -E "s/.*\"$1\":\"([^\"]+)\".*/\\1/"
}
