-- Every client with its contract hours per month, SLA tier and own knower target, by name.
with

final as (
    select client, contract_hours_per_month, sla_tier, target_knowers
    from clients
    order by client
)

select * from final
