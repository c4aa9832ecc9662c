-- The escalated tickets of one client ($client) from the temp view escalation_tickets
-- (escalated_tickets.sql), so the escalation queries that follow see only this client.
with

final as (
    select *
    from escalation_tickets
    where client = $client
)

select * from final
