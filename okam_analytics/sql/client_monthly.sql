-- One client's steering figures per month of the period, plus one row for the whole period
-- (is_period): tickets opened and resolved, the backlog at the end, median response and
-- resolution in calendar hours, hours worked against the contract hours.
-- A month cut by the period edge counts only its days inside the period; its contract hours are
-- prorated by those days. Only what was known at the as-of time counts.
-- Params: $client, $date_from, $date_to (inclusive dates), $as_of (exclusive end of the as-of day).
with

months as (
    select
        month_on,
        greatest(month_on, $date_from::date) as first_on,
        least((month_on + interval 1 month)::date - 1, $date_to::date) as last_on,
        greatest(month_on, $date_from::date)::timestamp as start_at,
        least(
            (least((month_on + interval 1 month)::date - 1, $date_to::date) + 1)::timestamp,
            $as_of::timestamp
        ) as end_at,
        (month_on + interval 1 month)::date - month_on as days_in_month,
        month_on = date_trunc('month', $date_to::date)::date as is_last_month
    from (
        select unnest(generate_series(
            date_trunc('month', $date_from::date),
            date_trunc('month', $date_to::date),
            interval 1 month
        ))::date as month_on
    )
),

contract as (
    select max(contract_hours_per_month) as contract_hours_per_month
    from clients
    where client = $client
),

-- tickets of the client, as known at the as-of time
client_tickets as (
    select
        created_at,
        case when first_response_at < $as_of then first_response_at end as responded_at,
        case when coalesce(resolved_at, closed_at) < $as_of
            then coalesce(resolved_at, closed_at) end as finished_at,
        -- resolved or closed without a date: finished at an unknown time, never in the backlog
        coalesce(resolved_at, closed_at) is null
            and status in ('resolved', 'closed') as is_finished_undated
    from tickets
    where client = $client and created_at < $as_of
),

-- each ticket beside each month it can count in (created before the month ends, not finished
-- before it starts)
ticket_months as (
    select
        months.month_on,
        months.is_last_month,
        t.created_at >= months.start_at as is_opened,
        t.finished_at >= months.start_at and t.finished_at < months.end_at as is_resolved,
        (t.finished_at is null or t.finished_at >= months.end_at)
            and not t.is_finished_undated as is_backlog,
        epoch(t.responded_at - t.created_at) / 3600 as response_hours,
        epoch(t.finished_at - t.created_at) / 3600 as resolution_hours
    from months
    join client_tickets as t
        on t.created_at < months.end_at
        and (t.finished_at is null or t.finished_at >= months.start_at)
),

ticket_figures as (
    select
        month_on,
        grouping(month_on) = 1 as is_period,
        count(*) filter (where is_opened) as tickets_opened,
        count(*) filter (where is_resolved) as tickets_resolved,
        -- the period's backlog is the one at the end of its last month
        case when grouping(month_on) = 1
            then count(*) filter (where is_backlog and is_last_month)
            else count(*) filter (where is_backlog)
        end as backlog,
        count(*) filter (where is_opened and response_hours is not null) as tickets_responded,
        median(response_hours) filter (where is_opened) as response_p50_hours,
        median(resolution_hours) filter (where is_resolved) as resolution_p50_hours
    from ticket_months
    group by grouping sets ((month_on), ())
),

-- hours worked for the client (absences never count)
client_entries as (
    select
        date_trunc('month', work_date)::date as month_on,
        consultant,
        hours,
        coalesce(is_billable, false) as is_billable
    from time_entries
    where client = $client
      and work_date between $date_from and $date_to
      and not coalesce(is_absence, false)
      and hours is not null
),

hour_figures as (
    select
        month_on,
        grouping(month_on) = 1 as is_period,
        sum(hours) as hours,
        sum(hours) filter (where is_billable) as billable_hours,
        count(distinct consultant) as consultants
    from client_entries
    group by grouping sets ((month_on), ())
),

periods as (
    select
        month_on,
        false as is_period,
        first_on,
        last_on,
        contract.contract_hours_per_month * (last_on - first_on + 1) / days_in_month
            as contract_hours
    from months
    cross join contract
    union all
    select
        null as month_on,
        true as is_period,
        $date_from::date as first_on,
        $date_to::date as last_on,
        sum(contract.contract_hours_per_month * (last_on - first_on + 1) / days_in_month)
            as contract_hours
    from months
    cross join contract
),

final as (
    select
        p.is_period,
        p.month_on,
        p.first_on,
        p.last_on,
        -- tickets
        coalesce(t.tickets_opened, 0)::integer as tickets_opened,
        coalesce(t.tickets_resolved, 0)::integer as tickets_resolved,
        coalesce(t.backlog, 0)::integer as backlog,
        coalesce(t.tickets_responded, 0)::integer as tickets_responded,
        t.response_p50_hours,
        t.resolution_p50_hours,
        -- hours
        coalesce(h.hours, 0)::double as hours,
        coalesce(h.billable_hours, 0)::double as billable_hours,
        coalesce(h.consultants, 0)::integer as consultants,
        p.contract_hours,
        coalesce(h.hours, 0) / nullif(p.contract_hours, 0) as contract_use
    from periods as p
    left join ticket_figures as t
        on t.is_period = p.is_period and t.month_on is not distinct from p.month_on
    left join hour_figures as h
        on h.is_period = p.is_period and h.month_on is not distinct from p.month_on
    order by p.is_period, p.month_on
)

select * from final
