-- Elapsed (24x7, DST-true) and business minutes of each (start_at, end_at) pair of the
-- relation business_pairs, read from the temp table business_timeline_hours (calendar.py).
-- Reuse: the same hour-equality lookup works for any naive local timestamp.
with

pairs as (
    select * from business_pairs
),

looked_up as (
    select
        pairs.*,
        -- clock positions (calendar.py docstring) of the start
        s.elapsed_minutes_before
            + s.elapsed_rate * (epoch(pairs.start_at) - epoch(s.local_from)) / 60 as start_elapsed,
        s.open_minutes_before
            + s.open_rate * (epoch(pairs.start_at) - epoch(s.local_from)) / 60 as start_open,
        -- and of the end
        e.elapsed_minutes_before
            + e.elapsed_rate * (epoch(pairs.end_at) - epoch(e.local_from)) / 60 as end_elapsed,
        e.open_minutes_before
            + e.open_rate * (epoch(pairs.end_at) - epoch(e.local_from)) / 60 as end_open
    from pairs
    left join business_timeline_hours as s
        on s.hour_start = date_trunc('hour', pairs.start_at)
        and pairs.start_at >= s.local_from and pairs.start_at < s.local_to
    left join business_timeline_hours as e
        on e.hour_start = date_trunc('hour', pairs.end_at)
        and pairs.end_at >= e.local_from and pairs.end_at < e.local_to
),

final as (
    select
        * exclude (start_elapsed, start_open, end_elapsed, end_open),
        end_elapsed - start_elapsed as elapsed_minutes,
        end_open - start_open as business_minutes
    from looked_up
)

select * from final
