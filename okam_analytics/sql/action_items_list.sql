-- Action items of $client (every client when null): open first (earliest due first, undated
-- last), then done (latest first).
with

items as (
    select id, client, text, owner, due_on, status, created_at, done_at
    from action_items
    where $client is null or client = $client
),

final as (
    select * from items
)

select * from final
order by
    status = 'done',
    case when status = 'open' then due_on end nulls last,
    done_at desc,
    id
