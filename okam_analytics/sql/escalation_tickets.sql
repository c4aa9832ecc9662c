-- The escalated tickets of the temp table escalation_tickets (escalated_tickets.sql), in order.
with

final as (
    select * from escalation_tickets
    order by created_at, source, ticket_id
)

select * from final
