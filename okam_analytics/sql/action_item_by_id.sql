-- The action item $id, if any.
with

final as (
    select id, client, text, owner, due_on, status, created_at, done_at
    from action_items
    where id = $id
)

select * from final
