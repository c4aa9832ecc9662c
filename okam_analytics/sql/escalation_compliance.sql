-- SLA compliance and response/resolution percentiles of the escalated tickets, grouped by
-- $by: 'priority', 'month' (month and priority), 'client' or 'assignee'.
-- Reads the temp table escalation_tickets (escalated_tickets.sql).
with

grouped as (
    select
        response_met,
        resolution_met,
        is_missing_response,
        state,
        response_clock_minutes,
        resolution_clock_minutes,
        case when $by = 'month' then created_month end as group_month,
        case when $by in ('priority', 'month') then priority end as group_priority,
        case when $by = 'client' then client end as group_client,
        case when $by = 'assignee' then assignee end as group_assignee
    from escalation_tickets
),

counted as (
    select
        group_month as month,
        group_client as client,
        group_assignee as assignee,
        group_priority as priority,
        count(*) as tickets,
        -- response
        count(*) filter (where response_met) as response_met,
        count(*) filter (where not response_met) as response_breached,
        -- resolution
        count(*) filter (where resolution_met) as resolution_met,
        count(*) filter (where not resolution_met) as resolution_breached,
        -- apart
        count(*) filter (where is_missing_response) as no_response_data,
        count(*) filter (where state = 'open_breached') as open_breached,
        count(*) filter (where state = 'open_within') as open_within,
        -- percentiles in each priority's clock (business or 24x7), one sort per measure
        quantile_cont(response_clock_minutes, [0.5, 0.9]) as response_percentiles,
        quantile_cont(resolution_clock_minutes, [0.5, 0.9]) as resolution_percentiles
    from grouped
    group by group_month, group_client, group_assignee, group_priority
),

final as (
    select
        month,
        client,
        assignee,
        priority,
        tickets,
        response_met,
        response_breached,
        response_met / nullif(response_met + response_breached, 0) as response_compliance,
        resolution_met,
        resolution_breached,
        resolution_met / nullif(resolution_met + resolution_breached, 0) as resolution_compliance,
        no_response_data,
        open_breached,
        open_within,
        response_percentiles[1] as response_p50_minutes,
        response_percentiles[2] as response_p90_minutes,
        resolution_percentiles[1] as resolution_p50_minutes,
        resolution_percentiles[2] as resolution_p90_minutes
    from counted
    order by month, client, assignee, priority
)

select * from final
