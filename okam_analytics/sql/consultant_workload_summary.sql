-- One row per consultant for a period (SPEC 4.2): the weekly figures of consultant_utilisation
-- summed in one pass, without its per-week client grouping (the summary counts the period's
-- distinct clients directly). The active span is the consultant_roster macro (schema.sql); the
-- capacity and overload rules are those of consultant_utilisation.sql: keep the two in step.
-- Ratios are ratios of sums. current_streak: overloaded weeks in a row ending at the week of
-- $anchor_on; an unfinished anchor week that is not (yet) overloaded does not break the streak.
-- Params: $date_from, $date_to, $anchor_on (date), $as_of (timestamp, exclusive), $closed_on,
--         $default_capacity_hours, $overload_threshold, $priorities, $include_reassigned.
with

calendar_days as (
    select day_on, date_trunc('week', day_on)::date as week_start
    from (
        select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date
            as day_on
    )
    where isodow(day_on) <= 5 and not list_contains($closed_on::date[], day_on)
),

hours_by_week as (
    select
        consultant,
        date_trunc('week', work_date)::date as week_start,
        sum(hours) filter (where not coalesce(is_absence, false)) as worked_hours,
        sum(hours) filter (where coalesce(is_absence, false)) as absence_hours,
        sum(hours) filter (where coalesce(is_billable, false) and not coalesce(is_absence, false))
            as billable_hours
    from time_entries
    where work_date between $date_from and $date_to
      and consultant is not null and hours is not null
    group by consultant, week_start
),

-- who is active when, with what capacity (macro in schema.sql)
roster as (
    select * from consultant_roster($default_capacity_hours)
),

working_days as (
    select r.consultant, d.week_start, count(*) as working_days
    from roster r
    join calendar_days d
      on d.day_on >= r.active_from and (r.active_to is null or d.day_on <= r.active_to)
    group by r.consultant, d.week_start
),

consultant_weeks as (
    select consultant, week_start from working_days
    union
    select consultant, week_start from hours_by_week
),

measured as (
    select
        cw.consultant,
        cw.week_start,
        coalesce(h.worked_hours, 0) as worked_hours,
        coalesce(h.billable_hours, 0) as billable_hours,
        r.weekly_capacity_hours * coalesce(w.working_days, 0) / 5
            - coalesce(h.absence_hours, 0) as capacity_hours
    from consultant_weeks cw
    join roster r using (consultant)
    left join working_days w using (consultant, week_start)
    left join hours_by_week h using (consultant, week_start)
),

flagged as (
    select
        *,
        -- more absence than working days is no licence for negative overtime
        greatest(0, worked_hours - greatest(capacity_hours, 0)) as overtime_hours,
        capacity_hours > 0 and worked_hours / capacity_hours > $overload_threshold as overloaded
    from measured
),

-- consecutive overloaded weeks: an island keeps week number minus rank constant
streaks as (
    select
        *,
        case
            when overloaded then row_number() over (
                partition by consultant, overloaded, island order by week_start
            )
            else 0
        end as overload_streak
    from (
        select
            *,
            (week_start - date '2000-01-03') // 7
                - row_number() over (partition by consultant, overloaded order by week_start)
                as island
        from flagged
    )
),

anchor as (
    select
        date_trunc('week', $anchor_on::date)::date as anchor_week,
        $anchor_on::date < date_trunc('week', $anchor_on::date)::date + 6 as unfinished
),

totals as (
    select
        consultant,
        sum(worked_hours) as worked_hours,
        sum(capacity_hours) as capacity_hours,
        sum(billable_hours) as billable_hours,
        sum(overtime_hours) as overtime_hours,
        count(*) filter (where overloaded) as overloaded_weeks,
        max(overload_streak) as longest_streak,
        coalesce(max(overload_streak) filter (where week_start = anchor_week), 0) as this_week,
        coalesce(max(overload_streak) filter (where week_start = anchor_week - 7), 0) as last_week,
        any_value(unfinished) as unfinished
    from streaks, anchor
    group by consultant
),

period_clients as (
    select * from period_clients_by_consultant($date_from, $date_to)
),

open_tickets as (
    select * from open_tickets_by_consultant($as_of, $priorities, $include_reassigned)
),

final as (
    select
        t.consultant,
        r.team,
        t.worked_hours,
        t.capacity_hours,
        case when t.capacity_hours > 0 then t.worked_hours / t.capacity_hours end as utilisation,
        t.billable_hours,
        case when t.capacity_hours > 0 then t.billable_hours / t.capacity_hours end
            as billable_utilisation,
        t.overtime_hours,
        t.overloaded_weeks::integer as overloaded_weeks,
        t.longest_streak::integer as longest_streak,
        (case when t.this_week > 0 or not t.unfinished then t.this_week else t.last_week end)::integer
            as current_streak,
        coalesce(c.clients, 0)::integer as clients,
        coalesce(o.open_tickets, 0)::integer as open_tickets,
        coalesce(o.open_escalations, 0)::integer as open_escalations
    from totals t
    join roster r using (consultant)
    left join period_clients c using (consultant)
    left join open_tickets o using (consultant)
    order by t.consultant
)

select * from final
