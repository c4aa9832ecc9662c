-- Write the contract hours, SLA tiers and knower targets the Settings page edited (registered
-- as edited_clients).
insert into clients (client, contract_hours_per_month, sla_tier, target_knowers)
with

edited as (
    select
        client::varchar as client,
        contract_hours_per_month::double as contract_hours_per_month,
        sla_tier::varchar as sla_tier,
        target_knowers::integer as target_knowers
    from edited_clients
),

final as (
    select * from edited
)

select * from final
on conflict (client) do update set
    contract_hours_per_month = excluded.contract_hours_per_month,
    sla_tier = excluded.sla_tier,
    target_knowers = excluded.target_knowers
