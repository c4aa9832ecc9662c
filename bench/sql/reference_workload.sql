-- Physical reference of `okam report workload` (one row per consultant): the same table in one
-- hand-written query. Params: $date_from, $date_to, $as_of (timestamp, exclusive), $closed_on,
-- $default_capacity_hours, $overload_threshold, $priorities, $include_reassigned.
with

working_days as (
    select day_on, date_trunc('week', day_on)::date as week_start
    from (select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date as day_on)
    where isodow(day_on) <= 5 and not list_contains($closed_on::date[], day_on)
),

latest as (
    select max(work_date) as last_on from time_entries
),

roster as (
    select
        coalesce(c.consultant, s.consultant) as consultant,
        coalesce(c.weekly_capacity_hours, $default_capacity_hours) as capacity,
        coalesce(c.active_from, s.first_on) as active_from,
        case when c.active_from is not null or c.active_to is not null then c.active_to
            when s.last_on > (select last_on from latest) - 28 then null
            else s.last_on end as active_to
    from consultants as c
    full join (
        select consultant, min(work_date) as first_on, max(work_date) as last_on
        from time_entries where consultant is not null group by consultant
    ) as s on c.consultant = s.consultant
),

present as (
    select r.consultant, d.week_start, count(*) as days
    from roster as r
    join working_days as d
      on d.day_on >= r.active_from and (r.active_to is null or d.day_on <= r.active_to)
    group by all
),

hours as (
    select
        consultant,
        date_trunc('week', work_date)::date as week_start,
        sum(hours) filter (where not coalesce(is_absence, false)) as worked,
        sum(hours) filter (where is_absence) as absence,
        sum(hours) filter (where is_billable and not coalesce(is_absence, false)) as billable
    from time_entries
    where work_date between $date_from and $date_to and consultant is not null and hours is not null
    group by all
),

weeks as (
    select
        consultant,
        week_start,
        coalesce(h.worked, 0) as worked,
        coalesce(h.billable, 0) as billable,
        r.capacity * coalesce(p.days, 0) / 5 - coalesce(h.absence, 0) as capacity_hours
    from (select consultant, week_start from present union select consultant, week_start from hours)
    join roster as r using (consultant)
    left join present as p using (consultant, week_start)
    left join hours as h using (consultant, week_start)
),

flagged as (
    select
        *,
        capacity_hours > 0 and worked / capacity_hours > $overload_threshold as overloaded,
        greatest(0, worked - greatest(capacity_hours, 0)) as overtime
    from weeks
),

streaks as (
    select
        *,
        case when overloaded then row_number() over (partition by consultant, overloaded, island order by week_start)
            else 0 end as streak
    from (
        select
            *,
            (week_start - date '2000-01-03') // 7
                - row_number() over (partition by consultant, overloaded order by week_start) as island
        from flagged
    )
),

anchor as (
    select
        least($as_of::date - 1, $date_to::date) as anchor_on,
        date_trunc('week', least($as_of::date - 1, $date_to::date))::date as anchor_week
),

totals as (
    select
        consultant,
        sum(worked) as worked_hours,
        sum(capacity_hours) as capacity_hours,
        sum(billable) as billable_hours,
        sum(overtime) as overtime_hours,
        count(*) filter (where overloaded) as overloaded_weeks,
        max(streak) as longest_streak,
        coalesce(max(streak) filter (where week_start = anchor_week), 0) as this_week,
        coalesce(max(streak) filter (where week_start = anchor_week - 7), 0) as last_week,
        any_value(anchor_on < anchor_week + 6) as unfinished
    from streaks, anchor
    group by consultant
),

clients as (
    select consultant, count(distinct client) as clients
    from time_entries
    where work_date between $date_from and $date_to and consultant is not null
      and client is not null and not coalesce(is_absence, false) and hours > 0
    group by consultant
),

open_tickets as (
    select
        assignee as consultant,
        count(*) as open_tickets,
        count(*) filter (
            where coalesce(list_contains($priorities::varchar[], priority), false)
               or coalesce(escalation_level, 0) >= 1
               or ($include_reassigned and coalesce(reassignment_count, 0) >= 1)
        ) as open_escalations
    from tickets
    where assignee is not null and created_at < $as_of
      and (resolved_at is null or resolved_at >= $as_of)
      and (closed_at is null or closed_at >= $as_of)
      and not (resolved_at is null and closed_at is null
               and coalesce(status, 'open') in ('resolved', 'closed'))
    group by assignee
),

final as (
    select
        t.consultant,
        t.worked_hours,
        t.capacity_hours,
        t.worked_hours / nullif(greatest(t.capacity_hours, 0), 0) as utilisation,
        t.billable_hours,
        t.billable_hours / nullif(greatest(t.capacity_hours, 0), 0) as billable_utilisation,
        t.overtime_hours,
        t.overloaded_weeks::integer as overloaded_weeks,
        t.longest_streak::integer as longest_streak,
        (case when t.this_week > 0 or not t.unfinished then t.this_week else t.last_week end)::integer
            as current_streak,
        coalesce(c.clients, 0)::integer as clients,
        coalesce(o.open_tickets, 0)::integer as open_tickets,
        coalesce(o.open_escalations, 0)::integer as open_escalations
    from totals as t
    left join clients as c using (consultant)
    left join open_tickets as o using (consultant)
    order by t.consultant
)

select * from final
