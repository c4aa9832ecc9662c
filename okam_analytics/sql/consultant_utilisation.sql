-- Hours, capacity and utilisation per consultant and week (or month) of a period (SPEC 4.2).
-- capacity = weekly_capacity_hours * working_days / 5 - absence_hours, where working_days are the
-- days of the bucket inside the period (Mon-Fri minus holidays), so a bucket cut by the period
-- edge is prorated. A consultant counts in every bucket of the period where active, even with
-- no entry: active_from/active_to when set (open end when only active_from), else first to last
-- entry (see entry_span).
-- Params: $date_from, $date_to, $bucket ('week' | 'month'), $bucket_starts (date list),
--         $bucket_working_days (list), $default_capacity_hours, $overload_threshold.
with

bucket_days as (
    select
        unnest($bucket_starts::date[]) as period_start,
        unnest($bucket_working_days::double[]) as working_days
),

buckets as (
    select
        period_start,
        case when $bucket = 'week' then period_start + 6 else last_day(period_start) end
            as period_end,
        working_days
    from bucket_days
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

hours_by_bucket as (
    select
        consultant,
        period_start,
        sum(hours) filter (where not is_absence) as worked_hours,
        sum(hours) filter (where is_absence) as absence_hours,
        sum(hours) filter (where is_billable and not is_absence) as billable_hours,
        count(distinct client) filter (where not is_absence and hours > 0) as clients
    from entries
    group by consultant, period_start
),

-- who is active when; without dates, from the first entry to the last, and still active when
-- the last entry is in the last 28 days of the timesheets (people log at the end of the week)
entry_span as (
    select
        consultant,
        min(work_date) as first_entry_on,
        case
            when max(work_date) > max(max(work_date)) over () - 28 then null
            else max(work_date)
        end as last_entry_on
    from time_entries
    where consultant is not null
    group by consultant
),

roster as (
    select
        coalesce(c.consultant, s.consultant) as consultant,
        c.team,
        coalesce(c.weekly_capacity_hours, $default_capacity_hours) as weekly_capacity_hours,
        coalesce(c.active_from, s.first_entry_on) as active_from,
        case
            when c.active_from is not null or c.active_to is not null then c.active_to
            else s.last_entry_on
        end as active_to
    from consultants c
    full join entry_span s on c.consultant = s.consultant
),

active_buckets as (
    select r.consultant, b.period_start
    from roster r
    join buckets b
      on r.active_from <= least(b.period_end, $date_to::date)
     and (r.active_to is null or r.active_to >= greatest(b.period_start, $date_from::date))
),

consultant_buckets as (
    select consultant, period_start from active_buckets
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
        r.weekly_capacity_hours * coalesce(b.working_days, 0) / 5
            - coalesce(h.absence_hours, 0) as capacity_hours,
        coalesce(h.clients, 0)::integer as clients
    from consultant_buckets cb
    left join roster r using (consultant)
    left join buckets b using (period_start)
    left join hours_by_bucket h using (consultant, period_start)
),

rated as (
    select
        *,
        case when capacity_hours > 0 then worked_hours / capacity_hours end as utilisation,
        case when capacity_hours > 0 then billable_hours / capacity_hours end as billable_utilisation,
        -- a negative capacity (more absence than working days) is no licence for negative overtime
        greatest(0, worked_hours - greatest(capacity_hours, 0)) as overtime_hours,
        coalesce(worked_hours / nullif(capacity_hours, 0) > $overload_threshold
                 and capacity_hours > 0, false) as overloaded
    from measured
),

-- consecutive overloaded buckets: islands keyed by position minus rank among overloaded ones
overloaded_runs as (
    select
        consultant,
        period_start,
        row_number() over (partition by consultant, island order by period_start) as overload_streak
    from (
        select
            consultant,
            period_start,
            dense_rank() over (partition by consultant order by b.position) - b.position as island
        from rated
        join (
            select period_start, row_number() over (order by period_start) as position from buckets
        ) b using (period_start)
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
