-- Escalated tickets that missed a target (closed or still open), worst overrun first.
-- Reads the temp table escalation_tickets (escalated_tickets.sql).
with

breached as (
    select *
    from escalation_tickets
    where response_met = false or resolution_met = false
),

final as (
    select
        source,
        ticket_id,
        client,
        priority,
        assignee,
        created_at,
        state,
        clock,
        response_met,
        resolution_met,
        response_target_minutes,
        coalesce(response_clock_minutes, age_clock_minutes) as response_clock_minutes,
        resolution_target_minutes,
        coalesce(resolution_clock_minutes, age_clock_minutes) as resolution_clock_minutes,
        greatest(
            case when response_met = false
                then coalesce(response_clock_minutes, age_clock_minutes) - response_target_minutes end,
            case when resolution_met = false
                then coalesce(resolution_clock_minutes, age_clock_minutes) - resolution_target_minutes end
        ) as overrun_minutes
    from breached
    order by overrun_minutes desc, created_at, source, ticket_id
)

select * from final
