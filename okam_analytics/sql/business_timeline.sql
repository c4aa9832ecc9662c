-- The business timeline (metrics/calendar.py docstring) from the arrays built in Python:
-- one row per segment of the naive local axis, ordered by local_from.
with

segments as (
    select
        unnest($local_from::timestamp[]) as local_from,
        unnest($elapsed_minutes_before::double[]) as elapsed_minutes_before,
        unnest($elapsed_rate::double[]) as elapsed_rate,
        unnest($open_minutes_before::double[]) as open_minutes_before,
        unnest($open_rate::double[]) as open_rate
),

final as (
    select * from segments order by local_from
)

select * from final
