-- Every client with its contract hours per month, SLA tier and pack contacts, by name.
with

final as (
    select client, contract_hours_per_month, sla_tier, contacts
    from clients
    order by client
)

select * from final
