-- Hours, capacity and utilisation per consultant and week (or month) of a period (SPEC 4.2).
-- capacity = weekly_capacity_hours * working_days / 5 - absence_hours, where working_days are the
-- Monday-Friday days that are not closed, inside the period and inside the consultant's active
-- span: a week cut by the period edge, a join or a departure is prorated.
-- Active span: active_from/active_to when set (open end when only active_from); otherwise from
-- the first entry to the last, still open when that last entry is in the last 28 days of the
-- timesheets (people often log at the end of the week or month).
-- Params: $date_from, $date_to, $bucket ('week' | 'month'), $closed_on (date list),
--         $default_capacity_hours, $overload_threshold.
with

calendar_days as (
    select
        day_on,
        date_trunc($bucket, day_on)::date as period_start,
        isodow(day_on) <= 5 and not list_contains($closed_on::date[], day_on) as is_working
    from (
        select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date
            as day_on
    )
),

entries as (
    select
        consultant,
        date_trunc($bucket, work_date)::date as period_start,
        client,
        hours,
        coalesce(is_billable, false) as is_billable,
        coalesce(is_absence, false) as is_absence
    from time_entries
    where work_date between $date_from and $date_to
      and consultant is not null and hours is not null
),

hours_by_client as (
    select
        consultant,
        period_start,
        client,
        sum(hours) filter (where not is_absence) as worked_hours,
        sum(hours) filter (where is_absence) as absence_hours,
        sum(hours) filter (where is_billable and not is_absence) as billable_hours
    from entries
    group by consultant, period_start, client
),

hours_by_bucket as (
    select
        consultant,
        period_start,
        sum(worked_hours) as worked_hours,
        sum(absence_hours) as absence_hours,
        sum(billable_hours) as billable_hours,
        count(*) filter (where client is not null and worked_hours > 0) as clients
    from hours_by_client
    group by consultant, period_start
),

-- who is active when, with what capacity (macro in schema.sql)
roster as (
    select * from consultant_roster($default_capacity_hours)
),

working_days as (
    select r.consultant, d.period_start, count(*) as working_days
    from roster r
    join calendar_days d
      on d.day_on >= r.active_from and (r.active_to is null or d.day_on <= r.active_to)
    where d.is_working
    group by r.consultant, d.period_start
),

consultant_buckets as (
    select consultant, period_start from working_days
    union
    select consultant, period_start from hours_by_bucket
),

measured as (
    select
        cb.consultant,
        r.team,
        cb.period_start,
        coalesce(h.worked_hours, 0) as worked_hours,
        coalesce(h.absence_hours, 0) as absence_hours,
        coalesce(h.billable_hours, 0) as billable_hours,
        r.weekly_capacity_hours * coalesce(w.working_days, 0) / 5
            - coalesce(h.absence_hours, 0) as capacity_hours,
        coalesce(h.clients, 0)::integer as clients
    from consultant_buckets cb
    join roster r using (consultant)
    left join working_days w using (consultant, period_start)
    left join hours_by_bucket h using (consultant, period_start)
),

rated as (
    select
        *,
        case when capacity_hours > 0 then worked_hours / capacity_hours end as utilisation,
        case when capacity_hours > 0 then billable_hours / capacity_hours end as billable_utilisation,
        -- more absence than working days is no licence for negative overtime
        greatest(0, worked_hours - greatest(capacity_hours, 0)) as overtime_hours,
        capacity_hours > 0 and worked_hours / capacity_hours > $overload_threshold as overloaded,
        case
            when $bucket = 'week' then (period_start - date '2000-01-03') // 7
            else year(period_start) * 12 + month(period_start)
        end as position
    from measured
),

-- consecutive overloaded buckets: an island keeps position minus rank constant
overloaded_runs as (
    select
        consultant,
        period_start,
        row_number() over (partition by consultant, island order by period_start)
            as overload_streak
    from (
        select
            consultant,
            period_start,
            position - row_number() over (partition by consultant order by period_start) as island
        from rated
        where overloaded
    )
),

final as (
    select
        r.consultant,
        r.team,
        r.period_start,
        r.worked_hours,
        r.absence_hours,
        r.billable_hours,
        r.capacity_hours,
        r.utilisation,
        r.billable_utilisation,
        r.overtime_hours,
        r.overloaded,
        r.clients,
        coalesce(o.overload_streak, 0)::integer as overload_streak
    from rated r
    left join overloaded_runs o using (consultant, period_start)
    order by r.consultant, r.period_start
)

select * from final
