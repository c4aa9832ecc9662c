-- Titles of some tickets of one client ($client), by source and id ($ticket_ids).
with

final as (
    select source, ticket_id, title
    from tickets
    where client = $client
      and list_contains($ticket_ids::varchar[], ticket_id)
)

select * from final
