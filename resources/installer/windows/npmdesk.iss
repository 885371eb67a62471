; Inno Setup 6 script: npmdesk-<version>-windows-setup.exe from the PyInstaller bundle in dist\npmdesk.
; Build (from the repository root, after `pyinstaller --noconfirm build.spec`):
;   iscc /DAppVersion=0.1.0 resources\installer\windows\npmdesk.iss
; Installs per user without admin rights by default (an "install for all users" choice is offered),
; adds a Start-menu entry, associates .npmdesk projects with npmdesk (double-click opens them), and
; uninstalls cleanly from Settings > Apps. Projects, settings and backups are the user's and stay.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root "..\..\.."

[Setup]
; The AppId identifies npmdesk to Windows across versions: never change it.
AppId={{9C98124F-4182-5AAA-BD58-5AD40E4E07F6}
AppName=npmdesk
AppVersion={#AppVersion}
AppVerName=npmdesk {#AppVersion}
AppPublisher=npmdesk
AppComments=Qualitative coding of interview and focus-group transcripts
DefaultDirName={autopf}\npmdesk
DefaultGroupName=npmdesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=npmdesk-{#AppVersion}-windows-setup
SetupIconFile={#Root}\resources\icons\npmdesk.ico
UninstallDisplayIcon={app}\npmdesk.exe
UninstallDisplayName=npmdesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\npmdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\npmdesk"; Filename: "{app}\npmdesk.exe"; Comment: "Qualitative coding of transcripts"
Name: "{autoprograms}\npmdesk demo project"; Filename: "{app}\npmdesk.exe"; Parameters: "--demo"
Name: "{autodesktop}\npmdesk"; Filename: "{app}\npmdesk.exe"; Tasks: desktopicon

[Registry]
; .npmdesk -> npmdesk.project -> "npmdesk.exe" "%1" (HKA: the current user's or the machine's classes,
; matching the install mode). uninsdelete* flags remove exactly what was added.
Root: HKA; Subkey: "Software\Classes\.npmdesk"; ValueType: string; ValueName: ""; ValueData: "npmdesk.project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.npmdesk"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-npmdesk"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.npmdesk\OpenWithProgids"; ValueType: string; ValueName: "npmdesk.project"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\npmdesk.project"; ValueType: string; ValueName: ""; ValueData: "npmdesk project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\npmdesk.project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\npmdesk.exe,0"
Root: HKA; Subkey: "Software\Classes\npmdesk.project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\npmdesk.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\npmdesk.exe\SupportedTypes"; ValueType: string; ValueName: ".npmdesk"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\npmdesk.exe"; Description: "{cm:LaunchProgram,npmdesk}"; Flags: nowait postinstall skipifsilent
