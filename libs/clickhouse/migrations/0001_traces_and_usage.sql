-- Traces (one row per gateway request) and the hourly usage roll-up fed from them.
-- Portable dialect (ARCHITECTURE.md): runs on ClickHouse 18.16 and on current releases (chDB).
-- Money is UInt64 nano-dollars (billionths of a USD); never a float.

CREATE TABLE IF NOT EXISTS traces
(
    request_id            String,
    organization_id       String,
    -- Arrival time: whole seconds for partitions and buckets, milliseconds for ordering and display.
    started_at            DateTime,
    started_at_ms         UInt64,
    key_id                String,
    user_id               String,
    team_id               String,
    provider              String,
    model                 String,
    client_model          String,
    surface               String,
    operation             String,
    client                String,
    user_agent            String,
    session_id            String,
    stream                UInt8,
    passthrough           UInt8,
    status                UInt16,
    error_type            String,
    error_message         String,
    input_tokens          UInt64,
    cache_read_tokens     UInt64,
    cache_write_tokens    UInt64,
    cache_write_1h_tokens UInt64,
    output_tokens         UInt64,
    reasoning_tokens      UInt64,
    cost_nanos            UInt64,
    cost_source           String,
    catalog_version       String,
    gateway_ms            Float64,
    upstream_ms           Float64,
    ttft_ms               Float64,
    total_ms              Float64,
    routing_rule_id       String,
    routing_rule_name     String,
    -- JSON arrays, as the request event carries them (no JSON functions on 18.16: read by the API).
    routing_attempts      String,
    policy_evaluations    String,
    content_request       String,
    content_response      String,
    content_truncated     UInt8,
    ingested_at           DateTime
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (organization_id, started_at, request_id);

CREATE TABLE IF NOT EXISTS usage_hourly
(
    hour                  DateTime,
    organization_id       String,
    team_id               String,
    user_id               String,
    key_id                String,
    provider              String,
    model                 String,
    client                String,
    requests              UInt64,
    failed_requests       UInt64,
    input_tokens          UInt64,
    cache_read_tokens     UInt64,
    cache_write_tokens    UInt64,
    output_tokens         UInt64,
    reasoning_tokens      UInt64,
    cost_nanos            UInt64,
    total_ms              Float64
)
ENGINE = SummingMergeTree()
PARTITION BY toYYYYMM(hour)
ORDER BY (organization_id, hour, team_id, user_id, key_id, provider, model, client);

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_hourly_mv TO usage_hourly AS
SELECT
    toStartOfHour(started_at) AS hour,
    organization_id,
    team_id,
    user_id,
    key_id,
    provider,
    model,
    client,
    count() AS requests,
    countIf(status >= 400) AS failed_requests,
    sum(input_tokens) AS input_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cost_nanos) AS cost_nanos,
    sum(total_ms) AS total_ms
FROM traces
GROUP BY hour, organization_id, team_id, user_id, key_id, provider, model, client;
