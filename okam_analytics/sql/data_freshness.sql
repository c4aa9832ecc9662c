-- Data freshness per source (the preset of its imports): active imports, the latest import,
-- and the latest day present in the data it feeds. Params: $today (date).
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

data_days as (
    select * from ticket_days
    union all
    select * from entry_days
),

final as (
    select
        i.source,
        i.kind,
        i.count_imports,
        coalesce(d.count_rows, 0) as count_rows,
        i.last_imported_at,
        i.period_end_on,
        d.latest_data_on,
        $today::date - d.latest_data_on as days_since_data
    from active_imports i
    left join data_days d on d.source = i.source and d.kind = i.kind
    order by i.kind, i.source
)

select * from final
