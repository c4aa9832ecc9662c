-- The action items of $client a review shows: every open one, and those done on or after
-- $done_since (since the period began, so since the previous review).
with

items as (
    select id, client, text, owner, due_on, status, created_at, done_at
    from action_items
    where client = $client
),

final as (
    select * from items
    where status = 'open' or done_at >= $done_since::timestamp
)

select * from final
order by
    status = 'done',
    case when status = 'open' then due_on end nulls last,
    done_at,
    id
