-- The business timeline cut into local clock hours: one row per hour and segment overlapping
-- it. A timestamp t finds its segment by an equality join on its hour plus
-- local_from <= t < local_to, far cheaper than an ASOF join on a million tickets.
-- Reads the temp table business_timeline; its last row only closes the covered range.
with

segments as (
    select
        *,
        lead(local_from) over (order by local_from) as local_to
    from business_timeline
),

bounded as (
    select * from segments where local_to is not null
),

hours as (
    select generate_series as hour_start
    from generate_series(
        (select date_trunc('hour', min(local_from)) from bounded),
        (select max(local_to) from bounded),
        interval 1 hour
    )
),

final as (
    select
        hours.hour_start,
        bounded.local_from,
        bounded.local_to,
        bounded.elapsed_minutes_before,
        bounded.elapsed_rate,
        bounded.open_minutes_before,
        bounded.open_rate
    from hours
    join bounded
        on bounded.local_from < hours.hour_start + interval 1 hour
        and bounded.local_to > hours.hour_start
)

select * from final
