-- Every client with its contract hours per month, SLA tier, own knower target and pack
-- contacts, by name.
with

final as (
    select client, contract_hours_per_month, sla_tier, target_knowers, contacts
    from clients
    order by client
)

select * from final
