-- Every client with its contract hours per month and SLA tier, by name.
with

final as (
    select client, contract_hours_per_month, sla_tier
    from clients
    order by client
)

select * from final
