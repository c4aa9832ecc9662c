-- Physical reference of `okam report escalations` (summary per priority): the same table in one
-- hand-written query. Business minutes come from a table of days with the opening window of
-- each weekday and the open minutes accumulated before each day (one window per day); calendar
-- minutes from a table of local clock hours with the UTC minute each starts at (ICU once per
-- hour): an ambiguous hour is its first occurrence, an hour in the spring-forward gap stands
-- still at the first instant after it (DST changes on the hour, as in Europe).
-- Params: $date_from, $date_end (timestamps), $as_of (timestamp), $first_on, $last_on,
--         $closed_on, $windows (isodow, open_minute, close_minute), $timezone, $priorities,
--         $include_reassigned, $targets (priority, response/resolution_target_minutes, clock).
with

windows as (
    select unnest($windows, recursive := true)
),

days as materialized (
    select
        d.day_on,
        w.open_minute,
        w.close_minute,
        coalesce(sum(w.close_minute - w.open_minute) over (
            order by d.day_on rows between unbounded preceding and 1 preceding
        ), 0) as open_before
    from (
        select unnest(generate_series($first_on::date, $last_on::date, interval 1 day))::date as day_on
    ) as d
    left join windows as w
      on w.isodow = isodow(d.day_on) and not list_contains($closed_on::date[], d.day_on)
),

clock_hours as materialized (
    select
        hour_start,
        case
            when timezone($timezone, timezone($timezone, hour_start) - interval 1 hour) = hour_start
                then epoch(timezone($timezone, hour_start)) / 60 - 60
            else epoch(timezone($timezone, hour_start)) / 60
        end as utc_minute,
        case when timezone($timezone, timezone($timezone, hour_start)) <> hour_start then 0 else 1 end
            as utc_rate
    from (
        select unnest(generate_series(
            $first_on::timestamp, $last_on::timestamp + interval 23 hour, interval 1 hour
        )) as hour_start
    )
),

targets as (
    select unnest($targets, recursive := true)
),

tickets_in as (
    select
        priority,
        created_at,
        case when first_response_at < $as_of then first_response_at end as responded_at,
        case when coalesce(resolved_at, closed_at) < $as_of then coalesce(resolved_at, closed_at) end
            as finished_at,
        $as_of::timestamp as as_of,
        coalesce(resolved_at, closed_at) is null and status in ('resolved', 'closed') as undated
    from tickets
    where created_at >= $date_from and created_at < $date_end and created_at < $as_of
      and (list_contains($priorities::varchar[], priority) or coalesce(escalation_level, 0) >= 1
           or ($include_reassigned and coalesce(reassignment_count, 0) >= 1))
),

-- each moment's clock positions in minutes: business (open minutes since the first day) and
-- elapsed (UTC), from its day and its clock hour
located as (
    select
        t.*,
        c.open_before + least(greatest((epoch(created_at) - epoch(created_at::date)) / 60 - coalesce(c.open_minute, 0), 0),
            coalesce(c.close_minute - c.open_minute, 0)) as created_at_open,
        hc.utc_minute + hc.utc_rate * (epoch(created_at) - epoch(hc.hour_start)) / 60 as created_at_utc,
        r.open_before + least(greatest((epoch(responded_at) - epoch(responded_at::date)) / 60 - coalesce(r.open_minute, 0), 0),
            coalesce(r.close_minute - r.open_minute, 0)) as responded_at_open,
        hr.utc_minute + hr.utc_rate * (epoch(responded_at) - epoch(hr.hour_start)) / 60 as responded_at_utc,
        f.open_before + least(greatest((epoch(finished_at) - epoch(finished_at::date)) / 60 - coalesce(f.open_minute, 0), 0),
            coalesce(f.close_minute - f.open_minute, 0)) as finished_at_open,
        hf.utc_minute + hf.utc_rate * (epoch(finished_at) - epoch(hf.hour_start)) / 60 as finished_at_utc,
        a.open_before + least(greatest((epoch(as_of) - epoch(as_of::date)) / 60 - coalesce(a.open_minute, 0), 0),
            coalesce(a.close_minute - a.open_minute, 0)) as as_of_open,
        ha.utc_minute + ha.utc_rate * (epoch(as_of) - epoch(ha.hour_start)) / 60 as as_of_utc
    from tickets_in as t
    left join days as c on c.day_on = t.created_at::date
    left join days as r on r.day_on = t.responded_at::date
    left join days as f on f.day_on = t.finished_at::date
    left join days as a on a.day_on = t.as_of::date
    left join clock_hours as hc on hc.hour_start = date_trunc('hour', t.created_at)
    left join clock_hours as hr on hr.hour_start = date_trunc('hour', t.responded_at)
    left join clock_hours as hf on hf.hour_start = date_trunc('hour', t.finished_at)
    left join clock_hours as ha on ha.hour_start = date_trunc('hour', t.as_of)
),

judged as (
    select
        l.priority,
        g.clock,
        g.response_target_minutes as response_target,
        g.resolution_target_minutes as resolution_target,
        l.finished_at is not null or l.undated as is_finished,
        l.responded_at is null as no_response,
        case when g.clock = 'business' then responded_at_open - created_at_open
            else responded_at_utc - created_at_utc end as response_clock,
        case when g.clock = 'business' then finished_at_open - created_at_open
            else finished_at_utc - created_at_utc end as resolution_clock,
        case when g.clock = 'business' then as_of_open - created_at_open
            else as_of_utc - created_at_utc end as age_clock
    from located as l
    left join targets as g using (priority)
),

flagged as (
    select
        *,
        case
            when response_target is null then null
            when response_clock is not null then response_clock <= response_target
            when is_finished then null
            when age_clock > response_target then false
        end as response_met,
        case
            when resolution_target is null then null
            when resolution_clock is not null then resolution_clock <= resolution_target
            when is_finished then null
            when age_clock > resolution_target then false
        end as resolution_met
    from judged
),

final as (
    select
        priority,
        count(*) as tickets,
        count(*) filter (where response_met) as response_met,
        count(*) filter (where not response_met) as response_breached,
        count(*) filter (where response_met) / nullif(count(response_met), 0) as response_compliance,
        count(*) filter (where resolution_met) as resolution_met,
        count(*) filter (where not resolution_met) as resolution_breached,
        count(*) filter (where resolution_met) / nullif(count(resolution_met), 0)
            as resolution_compliance,
        count(*) filter (where is_finished and no_response and clock is not null) as no_response_data,
        count(*) filter (where clock is not null and not is_finished
                         and (response_met = false or resolution_met = false)) as open_breached,
        quantile_cont(response_clock, 0.5) as response_p50_minutes,
        quantile_cont(response_clock, 0.9) as response_p90_minutes,
        quantile_cont(resolution_clock, 0.5) as resolution_p50_minutes,
        quantile_cont(resolution_clock, 0.9) as resolution_p90_minutes,
        count(*) filter (where clock is not null and not is_finished
                         and response_met is not false and resolution_met is not false) as open_within
    from flagged
    group by priority
    order by priority
)

select * from final
