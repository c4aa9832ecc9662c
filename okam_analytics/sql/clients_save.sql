-- Write the contract hours and SLA tiers the Settings page edited (registered as edited_clients).
insert into clients (client, contract_hours_per_month, sla_tier)
with

edited as (
    select
        client::varchar as client,
        contract_hours_per_month::double as contract_hours_per_month,
        sla_tier::varchar as sla_tier
    from edited_clients
),

final as (
    select * from edited
)

select * from final
on conflict (client) do update set
    contract_hours_per_month = excluded.contract_hours_per_month,
    sla_tier = excluded.sla_tier
