-- `okam report escalations --grain ticket`: the SPEC 7 columns of each escalated ticket.
-- Reads the temp view escalation_tickets (escalated_tickets.sql).
with

final as (
    select
        source,
        ticket_id,
        client,
        priority,
        assignee,
        created_at,
        response_minutes,
        response_business_minutes,
        resolution_minutes,
        resolution_business_minutes,
        response_met,
        resolution_met,
        state
    from escalation_tickets
    order by created_at, source, ticket_id
)

select * from final
