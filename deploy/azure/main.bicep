// The participant assistant on Azure: the container image (deploy/Dockerfile) on App Service for
// Linux with at least two instances, Azure Database for PostgreSQL Flexible Server shared by them,
// secrets in Key Vault (App Service reads them through Key Vault references), logs and an
// availability test in Application Insights, and the Azure Bot with its Teams and Direct Line channels.
//
// Deployed by the Microsoft 365 Agents Toolkit (deploy/m365agents.yml, `provision`) or by hand:
//   az deployment group create -g <group> -f deploy/azure/main.bicep -p deploy/azure/main.bicepparam
// See README, "Deploy".

targetScope = 'resourceGroup'

@description('Prefix of every resource name (letters and digits, 3 to 16): names must be unique in Azure.')
@minLength(3)
@maxLength(16)
param resourceBaseName string

param location string = resourceGroup().location

@description('Instances of the bot (App Service plan capacity). Two or more: the bot keeps nothing in one process that matters.')
@minValue(2)
@maxValue(10)
param instanceCount int = 2

@description('App Service plan size (Premium v3 for zone-ready scale-out; B2/S1 also run two instances).')
param appServiceSku string = 'P0v3'

@description('The image to run, e.g. <registry>.azurecr.io/participant-assistant:<tag>; empty at the first provision, before any image is built (a placeholder runs until `deploy`).')
param containerImage string = ''

@description('Client id of the bot\'s Entra ID app registration (single tenant).')
param botAppId string

@secure()
@description('Client secret of that app registration; stored in Key Vault.')
param botAppPassword string

@description('Tenant of the app registration.')
param botTenantId string = tenant().tenantId

@description('Azure Bot pricing tier: F0 (free, limited messages on premium channels) or S1.')
@allowed(['F0', 'S1'])
param botSku string = 'S1'

@secure()
@description('Bearer token of the organisers\' admin API (at least 16 characters); stored in Key Vault.')
@minLength(16)
param adminToken string

@description('Administrator login of the PostgreSQL server.')
param postgresAdminLogin string = 'assistant'

@secure()
@description('Its password; stored in Key Vault inside DATABASE_URL.')
@minLength(12)
param postgresAdminPassword string

@description('PostgreSQL compute: Burstable B1ms is enough for a consultation; GeneralPurpose for more.')
param postgresSkuName string = 'Standard_B1ms'
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@secure()
@description('SMTP server of the digests, smtp://user:password@host:587 (empty: no email digests); stored in Key Vault.')
param smtpUrl string = ''

@description('Where email digests go: comma-separated addresses (required with smtpUrl).')
param organiserEmails string = ''

param mailFrom string = 'Participant assistant <no-reply@example.org>'

@description('Organisers (and admins) in chat: comma-separated AAD object ids.')
param organiserIds string = ''
param adminIds string = ''

@description('Cron expression of the digests in Africa/Nairobi time, e.g. "0 8 * * 1-5"; empty: on demand only.')
param digestSchedule string = ''

param retentionDays int = 90

@description('Use Azure Direct Line for the web page instead of the built-in endpoint: the Direct Line secret must then be in Key Vault as "direct-line-secret" (see README).')
param useAzureDirectLine bool = false

@description('Public address, when a custom domain fronts the app; default: https://<app>.azurewebsites.net.')
param publicHostName string = ''

var names = {
  identity: '${resourceBaseName}-identity'
  workspace: '${resourceBaseName}-logs'
  insights: '${resourceBaseName}-insights'
  registry: toLower(replace('${resourceBaseName}acr', '-', ''))
  vault: '${resourceBaseName}-kv'
  postgres: '${resourceBaseName}-pg'
  plan: '${resourceBaseName}-plan'
  app: '${resourceBaseName}-app'
  bot: '${resourceBaseName}-bot'
}
var database = 'assistant'
var hostName = empty(publicHostName) ? '${names.app}.azurewebsites.net' : publicHostName
// A public image that answers on its own until the first `deploy` pushes the bot's.
var image = empty(containerImage) ? 'mcr.microsoft.com/appsvc/staticsite:latest' : containerImage
// App Service resolves these app settings from Key Vault with the app's identity (keyVaultReferenceIdentity).
func keyVaultRef(secretUri string) string => '@Microsoft.KeyVault(SecretUri=${secretUri})'

var roles = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

// One identity for the app: pulls the image and reads the secrets.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.workspace
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.insights
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: names.registry
  location: location
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roles.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.vault
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: names.postgres
  location: location
  sku: { name: postgresSkuName, tier: postgresSkuTier }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    authConfig: { activeDirectoryAuth: 'Disabled', passwordAuth: 'Enabled' }
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource postgresDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: database
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// Azure services only (0.0.0.0): the app's outbound addresses. A virtual network with private
// access is the stricter choice where the organisation has one.
resource postgresFromAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource adminTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'admin-token'
  properties: { value: adminToken }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-password'
  properties: { value: botAppPassword }
}

resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgres://${uriComponent(postgresAdminLogin)}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${database}?sslmode=require'
  }
}

resource smtpUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpUrl)) {
  parent: vault
  name: 'smtp-url'
  properties: { value: smtpUrl }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: names.plan
  location: location
  kind: 'linux'
  sku: { name: appServiceSku, capacity: instanceCount }
  properties: { reserved: true }
}

var settings = union(
  {
    WEBSITES_PORT: '3978'
    WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'false'
    PUBLIC_URL: 'https://${hostName}'
    // App Service's front end is the one proxy in front of the instances.
    TRUST_PROXY: '1'
    DATABASE_URL: keyVaultRef(databaseUrlSecret.properties.secretUri)
    ADMIN_TOKEN: keyVaultRef(adminTokenSecret.properties.secretUri)
    MicrosoftAppId: botAppId
    MicrosoftAppPassword: keyVaultRef(botPasswordSecret.properties.secretUri)
    MicrosoftAppType: 'SingleTenant'
    MicrosoftAppTenantId: botTenantId
    ORGANISER_IDS: organiserIds
    ADMIN_IDS: adminIds
    MAIL_FROM: mailFrom
    DIGEST_SCHEDULE: digestSchedule
    RETENTION_DAYS: string(retentionDays)
    LOG_LEVEL: 'info'
    APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  },
  empty(smtpUrl) ? {} : {
    SMTP_URL: keyVaultRef('${vault.properties.vaultUri}secrets/smtp-url')
    ORGANISER_EMAILS: organiserEmails
  },
  useAzureDirectLine ? { DIRECT_LINE_SECRET: keyVaultRef('${vault.properties.vaultUri}secrets/direct-line-secret') } : {}
)

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: names.app
  location: location
  kind: 'app,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Any instance serves any request: no affinity cookie.
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'DOCKER|${image}'
      acrUseManagedIdentityCreds: true
      acrUserManagedIdentityID: identity.properties.clientId
      alwaysOn: true
      // Web chat's Direct Line stream.
      webSocketsEnabled: true
      healthCheckPath: '/api/health'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for s in items(settings): { name: s.key, value: s.value }]
    }
  }
  dependsOn: [acrPull, secretsUser, postgresDatabase, postgresFromAzure]
}

// The container's stdout (pino's JSON lines) and the HTTP log, into the workspace behind Application Insights.
resource appLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

// /api/health from three regions every five minutes: an alert can follow it.
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${resourceBaseName}-health'
  location: location
  kind: 'standard'
  tags: { 'hidden-link:${insights.id}': 'Resource' }
  properties: {
    SyntheticMonitorId: '${resourceBaseName}-health'
    Name: 'participant assistant health'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [{ Id: 'emea-nl-ams-azr' }, { Id: 'us-va-ash-azr' }, { Id: 'apac-sg-sin-azr' }]
    Request: { RequestUrl: 'https://${hostName}/api/health', HttpVerb: 'GET', ParseDependentRequests: false }
    ValidationRules: { ExpectedHttpStatusCode: 200, SSLCheck: true, SSLCertRemainingLifetimeCheck: 7 }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: names.bot
  location: 'global'
  kind: 'azurebot'
  sku: { name: botSku }
  properties: {
    displayName: 'Participant assistant'
    endpoint: 'https://${hostName}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
    developerAppInsightKey: insights.properties.InstrumentationKey
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

resource directLine 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Web page'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          // The page gets its tokens from the bot's own token endpoint, which keeps the secret.
          isSecureSiteEnabled: false
        }
      ]
    }
  }
}

// Read by the Agents Toolkit into its environment file (names as it expects them) and by README's steps.
output AZURE_WEB_APP_NAME string = app.name
output AZURE_WEB_APP_RESOURCE_ID string = app.id
output AZURE_CONTAINER_REGISTRY_NAME string = registry.name
output AZURE_CONTAINER_REGISTRY_SERVER string = registry.properties.loginServer
output AZURE_KEY_VAULT_NAME string = vault.name
output AZURE_BOT_NAME string = bot.name
output HOST_NAME string = hostName
output BOT_ENDPOINT string = 'https://${hostName}/api/messages'
output POSTGRES_HOST string = postgres.properties.fullyQualifiedDomainName
