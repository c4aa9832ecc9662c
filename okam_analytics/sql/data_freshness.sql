-- Data freshness per source (the preset of its imports): active imports, the latest import,
-- and the latest day present in the data it feeds; for a tool with API connections, their
-- names, their latest sync and its result (a connection not yet loaded has a row too).
-- Params: $today (date).
with

-- imports
active_imports as (
    select
        preset as source,
        kind,
        count(*) as count_imports,
        sum(rows_loaded) as rows_loaded,
        max(imported_at) as last_imported_at,
        max(period_end)::date as period_end_on
    from imports
    where status = 'active'
    group by preset, kind
),

-- data
ticket_days as (
    select
        source,
        'tickets' as kind,
        count(*) as count_rows,
        max(greatest(created_at, coalesce(resolved_at, created_at), coalesce(closed_at, created_at)))::date
            as latest_data_on
    from tickets
    group by source
),

entry_days as (
    select source, 'timesheets' as kind, count(*) as count_rows, max(work_date) as latest_data_on
    from time_entries
    group by source
),

-- api connections, per tool (a connection's type is the preset its ticket or entry rows use)
api_sources as (
    select
        type as source,
        case when type in ('harvest', 'clockify', 'toggl', 'tempo', 'kimai') then 'timesheets'
            else 'tickets' end as kind,
        string_agg(name, ', ' order by name) as connections,
        max(last_sync_at) as last_sync_at,
        arg_max(last_status, last_sync_at) as last_sync_status
    from connections
    group by type
),

data_days as (
    select * from ticket_days
    union all
    select * from entry_days
),

final as (
    select
        coalesce(i.source, a.source) as source,
        coalesce(i.kind, a.kind) as kind,
        coalesce(i.count_imports, 0) as count_imports,
        coalesce(d.count_rows, 0) as count_rows,
        i.last_imported_at,
        i.period_end_on,
        d.latest_data_on,
        $today::date - d.latest_data_on as days_since_data,
        a.connections,
        a.last_sync_at,
        a.last_sync_status
    from active_imports i
    full join api_sources a on a.source = i.source and a.kind = i.kind
    left join data_days d on d.source = i.source and d.kind = i.kind
    order by 2, 1
)

select * from final
