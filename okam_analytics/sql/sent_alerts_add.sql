-- Remember the alerts just delivered (registered as delivered_alerts: source, ticket_id, state).
insert or ignore into sent_alerts (source, ticket_id, state, sent_at)
with

final as (
    select source::varchar, ticket_id::varchar, state::varchar, $sent_at::timestamp
    from delivered_alerts
)

select * from final
