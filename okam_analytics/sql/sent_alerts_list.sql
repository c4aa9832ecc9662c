-- The SLA alerts already delivered: one row per ticket and state.
with

final as (
    select source, ticket_id, state as risk_state
    from sent_alerts
)

select * from final
